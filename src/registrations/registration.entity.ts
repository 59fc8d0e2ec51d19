import { type InferEntity, defineEntity, p } from '@mikro-orm/core';
import { Event, EventSession } from '../events/event.entity.js';
import { Structure } from '../structures/structure.entity.js';

/** Every status of a registration, in the order pages and reports list them: the one spelling of the list. */
export const REGISTRATION_STATUSES = ['confirmed', 'waitlisted', 'cancelled'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

export const Registration = defineEntity({
  name: 'Registration',
  uniques: [{ properties: ['event', 'emailKey'], name: 'registration_event_email_unique' }],
  indexes: [
    { properties: ['event', 'status'] },
    // Covers the report's GROUP BY (src/reports/report.service.ts): counted from the index alone, without reading the rows.
    { properties: ['event', 'status', 'structureType', 'group', 'checkedInAt'], name: 'registration_report_index' },
    // Exports read an event's registrations in batches by id (keyset pagination); PostgreSQL needs this order in an index.
    { properties: ['event', 'id'], name: 'registration_event_id_id_index' },
  ],
  properties: {
    id: p.integer().primary().autoincrement(),
    event: () => p.manyToOne(Event).deleteRule('cascade'),
    /** The private link's secret (256 random bits, base64url). */
    token: p.string().length(64).unique(),
    firstName: p.string().length(100),
    lastName: p.string().length(100),
    email: p.string().length(254),
    /** Lower-cased email: unique per event, so the database itself refuses a second registration. */
    emailKey: p.string().length(254),
    organisation: p.string().length(200),
    structureType: p.string().length(64),
    /** The structure the organisation names (src/structures): found by its normalised key, else created. */
    structure: () => p.manyToOne(Structure).nullable().deleteRule('set null').index('registration_structure_index'),
    /** The person ticked "list my organisation in the network's directory" and has not withdrawn it. */
    directoryConsent: p
      .boolean()
      .default(false)
      .onCreate(() => false),
    /** The person's side (volet) when set apart from their structure type's; null: their type's. */
    side: p.string().length(64).nullable(),
    status: p.string().$type<RegistrationStatus>().length(16),
    /** Answers to the form's other questions, keyed by field key. */
    answers: p.json<Record<string, unknown>>().onCreate(() => ({})),
    group: () => p.manyToOne(EventSession).nullable().deleteRule('set null'),
    /** Kept by the automatic group assignment (set by an organiser). */
    groupLocked: p
      .boolean()
      .default(false)
      .onCreate(() => false),
    locale: p
      .string()
      .length(8)
      .default('fr')
      .onCreate(() => 'fr'),
    /**
     * Raised with every invite email and at a re-registration: added to the event's SEQUENCE in this
     * person's invites, so each one outranks the last (a CANCEL included) in their calendar.
     */
    inviteSequence: p
      .integer()
      .default(0)
      .onCreate(() => 0),
    /** The breakout group their last invite email held (null: none); a new publication tells only those whose group differs. */
    invitedGroupId: p.integer().nullable(),
    /** When an organiser marked the person present on the day (check-in); null while not (or no longer) present. */
    checkedInAt: p.datetime().nullable(),
    consentAt: p.datetime(),
    /** The organiser who recorded the person's consent (a registration added by hand, by phone or on paper); null when given on the form. */
    consentRecordedBy: p.string().length(200).nullable(),
    /** When the retention job removed the personal data (src/privacy); null while it is kept. */
    anonymisedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()),
  },
});

export type Registration = InferEntity<typeof Registration>;
