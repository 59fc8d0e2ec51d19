import { type InferEntity, defineEntity, p } from '@mikro-orm/core';
import { Event } from '../events/event.entity.js';

/**
 * An address invited to an event by invitation (src/cycles/invitation.service.ts). Its personal link
 * (`/i/:token`) leads to a prefilled registration form. Whether the person registered is read from
 * their registration (same event, same address), never stored twice.
 */
export const Invitation = defineEntity({
  name: 'Invitation',
  uniques: [{ properties: ['event', 'emailKey'], name: 'invitation_event_email_unique' }],
  properties: {
    id: p.integer().primary().autoincrement(),
    event: () => p.manyToOne(Event).deleteRule('cascade'),
    /** The link's secret (256 random bits, base64url). */
    token: p.string().length(64).unique(),
    email: p.string().length(254),
    /** Lower-cased email: one invitation per address and event. */
    emailKey: p.string().length(254),
    /** The language of the invitation email and of the form it leads to. */
    locale: p
      .string()
      .length(8)
      .default('fr')
      .onCreate(() => 'fr'),
    /** How many times the invitation email was queued (1 at first, more when resent). */
    sentCount: p
      .integer()
      .default(0)
      .onCreate(() => 0),
    lastSentAt: p.datetime().nullable(),
    /** When an organiser withdrew it: the link stops working; null while valid. */
    revokedAt: p.datetime().nullable(),
    invitedBy: p.string().length(200),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type Invitation = InferEntity<typeof Invitation>;
