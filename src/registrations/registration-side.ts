import type { EntityManager } from '@mikro-orm/core';
import type { Event } from '../events/event.entity.js';
import { sidesOf } from '../events/sides.js';
import { ValidationError } from '../errors.js';
import type { Registration } from './registration.entity.js';

/**
 * Sets one person's side (volet) apart from their structure type's (an energy-advice association is technical, a
 * debt-advice one economic); null gives them their type's side again. The next automatic assignment balances it.
 */
export async function setRegistrationSide(
  em: EntityManager,
  event: Event,
  registration: Registration,
  side: string | null,
): Promise<Registration> {
  if (side !== null && !sidesOf(event).some((s) => s.key === side))
    throw new ValidationError([{ field: 'side', code: 'side_unknown', params: { key: side } }]);
  registration.side = side;
  registration.updatedAt = new Date();
  await em.flush();
  return registration;
}
