import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { randomBytes } from 'node:crypto';
import { Event } from '../events/event.entity.js';
import { registrationWindow } from '../events/event.service.js';
import { AppError, ValidationError, notFound } from '../errors.js';
import { validateRegistration } from '../forms/registration-form.js';
import { Registration, type RegistrationStatus } from './registration.entity.js';

export const REGISTRATION_STATUSES: RegistrationStatus[] = ['confirmed', 'waitlisted', 'cancelled'];

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Takes one seat if one is left, in a single conditional UPDATE, so two registrations can never
 * both see the last seat free: the database decides, not a read followed by a write.
 */
export async function claimSeat(em: EntityManager, eventId: number): Promise<boolean> {
  const result = await em.getConnection().execute(
    'update event set confirmed_count = confirmed_count + 1 where id = ? and (capacity is null or confirmed_count < capacity)',
    [eventId],
    'run',
    em.getTransactionContext(),
  );
  return (result as { affectedRows: number }).affectedRows === 1;
}

async function releaseSeat(em: EntityManager, eventId: number): Promise<void> {
  await em.getConnection().execute('update event set confirmed_count = confirmed_count - 1 where id = ? and confirmed_count > 0', [eventId], 'run', em.getTransactionContext());
}

export interface RegisterOptions {
  locale?: string;
  now?: Date;
}

/** Registers an attendee: confirmed while seats remain, then on the waiting list. */
export async function register(em: EntityManager, event: Event, raw: Record<string, unknown>, options: RegisterOptions = {}): Promise<Registration> {
  const window = registrationWindow(event, options.now);
  if (window !== 'open') throw new AppError(409, `registration_${window}`);
  const { value, errors } = validateRegistration(raw, event.structureTypes);
  if (errors.length) throw new ValidationError(errors);
  try {
    return await em.transactional(async (tx) => {
      const confirmed = await claimSeat(tx, event.id);
      const now = new Date();
      const registration = tx.create(Registration, {
        event: tx.getReference(Event, event.id),
        token: newToken(),
        firstName: value.firstName,
        lastName: value.lastName,
        email: value.email,
        emailKey: value.email.toLowerCase(),
        organisation: value.organisation,
        structureType: value.structureType,
        status: confirmed ? 'confirmed' : 'waitlisted',
        answers: {},
        group: null,
        locale: options.locale ?? 'fr',
        consentAt: now,
        createdAt: now,
        updatedAt: now,
      });
      await tx.flush();
      return registration;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw new AppError(409, 'already_registered', [{ field: 'email', code: 'already_registered' }]);
    throw error;
  }
}

export async function findByToken(em: EntityManager, token: string): Promise<Registration> {
  const registration = token.length <= 64 ? await em.findOne(Registration, { token }, { populate: ['event', 'event.sessions', 'group'] }) : null;
  if (!registration) throw notFound();
  return registration;
}

/** Cancels a registration; a freed seat goes to the first person on the waiting list, who is returned. */
export async function cancel(em: EntityManager, registration: Registration): Promise<Registration | null> {
  if (registration.status === 'cancelled') return null;
  const promoted = await em.transactional(async (tx) => {
    const reg = await tx.findOneOrFail(Registration, { id: registration.id });
    const wasConfirmed = reg.status === 'confirmed';
    reg.status = 'cancelled';
    reg.group = null;
    reg.updatedAt = new Date();
    await tx.flush();
    if (!wasConfirmed) return null;
    await releaseSeat(tx, reg.event.id);
    const next = await tx.findOne(Registration, { event: reg.event.id, status: 'waitlisted' }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    if (!next || !(await claimSeat(tx, reg.event.id))) return null;
    next.status = 'confirmed';
    next.updatedAt = new Date();
    await tx.flush();
    return next;
  });
  await em.refresh(registration);
  return promoted;
}

export interface RegistrationFilter {
  structureType?: string;
  status?: RegistrationStatus;
  limit?: number;
  offset?: number;
}

export async function listRegistrations(em: EntityManager, event: Event, filter: RegistrationFilter = {}) {
  const where: Record<string, unknown> = { event: event.id };
  if (filter.structureType) where.structureType = filter.structureType;
  if (filter.status) where.status = filter.status;
  const [items, total] = await em.findAndCount(Registration, where, {
    orderBy: { createdAt: 'asc', id: 'asc' },
    limit: filter.limit,
    offset: filter.offset,
    populate: ['group'],
  });
  return { items, total };
}

export async function countByStatus(em: EntityManager, event: Event): Promise<Record<RegistrationStatus, number>> {
  const rows: { status: RegistrationStatus; count: number | string }[] = await em.getConnection().execute(
    'select status, count(*) as count from registration where event_id = ? group by status',
    [event.id],
  );
  const counts = { confirmed: 0, waitlisted: 0, cancelled: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}
