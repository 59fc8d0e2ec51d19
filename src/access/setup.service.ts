import type { EntityManager } from '@mikro-orm/core';
import { ValidationError } from '../errors.js';
import type { Organiser } from '../organisers/organiser.entity.js';
import { type NewOrganiser, countOrganisers, createOrganiser } from '../organisers/organiser.service.js';
import { adoptOwnerlessEvents } from './access.service.js';

/** Whether the one-time `/setup` page is still open: no organiser exists yet. */
export async function setupOpen(em: EntityManager): Promise<boolean> {
  return (await countOrganisers(em)) === 0;
}

/**
 * The first organiser of an install, from the `/setup` page: only while no organiser exists yet
 * (null once one does: setup is over). They own what is already there, the demo event say.
 */
export async function setUpFirstOrganiser(
  em: EntityManager,
  input: NewOrganiser & { passwordConfirmation: string },
): Promise<Organiser | null> {
  return createOwningOrphans(em, input, true);
}

/**
 * An organiser created from the command line (`create-organiser`), the first one or not: like the
 * first from `/setup`, they own every event that has no owner yet.
 */
export async function createOrganiserFromCli(em: EntityManager, input: NewOrganiser): Promise<Organiser> {
  return (await createOwningOrphans(em, input, false))!;
}

/** The account and its adoption of ownerless events are one transaction: no account without them. */
async function createOwningOrphans(
  em: EntityManager,
  input: NewOrganiser & { passwordConfirmation?: string },
  onlyFirst: boolean,
): Promise<Organiser | null> {
  return em.transactional(async (tx) => {
    if (onlyFirst && !(await setupOpen(tx))) return null;
    if (input.passwordConfirmation !== undefined && input.password !== input.passwordConfirmation)
      throw new ValidationError([{ field: 'passwordConfirmation', code: 'password_mismatch' }]);
    const organiser = await createOrganiser(tx, input);
    await adoptOwnerlessEvents(tx, [organiser.id]);
    return organiser;
  });
}
