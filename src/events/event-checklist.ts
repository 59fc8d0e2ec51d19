import type { Event } from './event.entity.js';
import { breakouts } from './event-rules.js';

/** What the floors above events/ know about an event's progress (form, registrations, groups, presence). */
export interface ChecklistFacts {
  /** The organiser has saved the registration form at least once. */
  formSaved: boolean;
  /** Registrations of any status: someone found the link. */
  registrations: number;
  /** Confirmed attendees without a breakout group. */
  unassigned: number;
  /** People marked present on the day. */
  present: number;
}

export interface ChecklistItem {
  /** Locale key under `admin.checklist.` (label and hint). */
  key: 'programme' | 'structureTypes' | 'form' | 'publication' | 'share' | 'groups' | 'report';
  done: boolean;
  href: string;
}

/** The steps of an event from its creation to its report, each with whether it is done and where to do it. */
export function eventChecklist(event: Event, facts: ChecklistFacts, now = new Date()): ChecklistItem[] {
  const base = `/admin/events/${event.id}`;
  const hasSessions = event.sessions.length > 0;
  const items: ChecklistItem[] = [
    { key: 'programme', done: hasSessions, href: hasSessions ? `${base}#programme` : `${base}/sessions/new` },
    { key: 'structureTypes', done: event.structureTypes.length > 0, href: `${base}/structure-types` },
    { key: 'form', done: facts.formSaved, href: `${base}/form` },
    { key: 'publication', done: event.status !== 'draft', href: `${base}#publication` },
    { key: 'share', done: facts.registrations > 0, href: `/e/${event.slug}` },
  ];
  if (breakouts(event).length > 0)
    items.push({
      key: 'groups',
      done: event.assignmentsPublishedAt != null && facts.unassigned === 0,
      href: `${base}/groups`,
    });
  items.push({ key: 'report', done: event.endsAt <= now && facts.present > 0, href: `${base}/report` });
  return items;
}
