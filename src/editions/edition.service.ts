import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { persistTeamCopy } from '../access/access.service.js';
import { AppError } from '../errors.js';
import type { Event } from '../events/event.entity.js';
import { type EditionChoice, persistEdition } from '../events/edition.service.js';
import { findEvent } from '../events/event.service.js';
import { persistFormCopy } from '../forms/form.service.js';

/**
 * The next edition of an event (*Nouvelle édition*): the event with its programme moved to the new
 * date (events/), the same team (access/) and the same form (forms/), written in one transaction, so
 * there is never an edition without its owners. Registrations, group assignments and emails stay
 * with the old event.
 */
export async function duplicateEvent(em: EntityManager, sourceId: number, choice: EditionChoice): Promise<Event> {
  try {
    return await em.transactional(async (tx) => {
      const source = await findEvent(tx, sourceId);
      const edition = await persistEdition(tx, source, choice);
      await persistTeamCopy(tx, source, edition);
      await persistFormCopy(tx, source.id, edition);
      await tx.flush();
      return edition;
    });
  } catch (error) {
    // Two copies given the same free slug at the same instant: the database keeps one.
    if (error instanceof UniqueConstraintViolationException)
      throw new AppError('slug_taken', [{ field: 'slug', code: 'slug_taken' }]);
    throw error;
  }
}
