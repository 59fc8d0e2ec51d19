import { type InferEntity, defineEntity, p } from '@mikro-orm/core';
import { EventSession } from '../events/event.entity.js';

/**
 * What a breakout group produced, written by its facilitator (or an organiser) after the workshop:
 * Markdown text, rendered to sanitised HTML when shown (src/syntheses/markdown.ts). One per group.
 */
export const GroupSynthesis = defineEntity({
  name: 'GroupSynthesis',
  tableName: 'group_synthesis',
  properties: {
    id: p.integer().primary().autoincrement(),
    session: () => p.manyToOne(EventSession).unique('group_synthesis_session_unique').deleteRule('cascade'),
    text: p.text(),
    updatedAt: p.datetime(),
    /** Who saved it last: `facilitator`, or the organiser's email. */
    updatedBy: p.string().length(254),
  },
});

export type GroupSynthesis = InferEntity<typeof GroupSynthesis>;

/**
 * A group facilitator's personal link (/f/<token>): only the SHA-256 of its token is stored, so the
 * database alone never gives the link away. One per group; issuing a new one replaces it, deleting
 * it revokes it. It works until the event's retention ends (src/privacy/privacy.service.ts).
 */
export const FacilitatorLink = defineEntity({
  name: 'FacilitatorLink',
  tableName: 'facilitator_link',
  properties: {
    id: p.integer().primary().autoincrement(),
    session: () => p.manyToOne(EventSession).unique('facilitator_link_session_unique').deleteRule('cascade'),
    tokenHash: p.string().length(64).unique('facilitator_link_token_hash_unique'),
    createdAt: p.datetime(),
  },
});

export type FacilitatorLink = InferEntity<typeof FacilitatorLink>;
