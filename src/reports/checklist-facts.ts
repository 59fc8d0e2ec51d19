import type { EntityManager } from '@mikro-orm/core';
import type { Event } from '../events/event.entity.js';
import type { ChecklistFacts } from '../events/event-checklist.js';
import { RegistrationForm } from '../forms/registration-form.entity.js';
import { Registration } from '../registrations/registration.entity.js';

/** What the event page's checklist needs from the form, registrations and groups: four counts. */
export async function checklistFacts(em: EntityManager, event: Event): Promise<ChecklistFacts> {
  const [forms, registrations, unassigned, present] = await Promise.all([
    em.count(RegistrationForm, { event: event.id }),
    em.count(Registration, { event: event.id }),
    em.count(Registration, { event: event.id, status: 'confirmed', group: null }),
    em.count(Registration, { event: event.id, checkedInAt: { $ne: null } }),
  ]);
  return { formSaved: forms > 0, registrations, unassigned, present };
}
