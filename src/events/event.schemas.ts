import { type Static, Type } from 'typebox';
import { DateTime, Nullable, StringEnum } from '../shared/api-schemas.js';
import type { Event, EventSession } from './event.entity.js';
import { sidesOf, typesWithSides } from './sides.js';

const StructureType = Type.Object({
  key: Type.String({ maxLength: 64 }),
  label: Type.String({ maxLength: 100 }),
  side: Type.Optional(
    Type.String({ maxLength: 64, description: "A key of the event's sides; default: the type's usual side" }),
  ),
});
const StructureTypeOut = Type.Object({ key: Type.String(), label: Type.String(), side: Type.String() });
const Side = Type.Object({ key: Type.String({ maxLength: 64 }), label: Type.String({ maxLength: 100 }) });
const Capacity = Nullable<number>({ type: 'integer', minimum: 1, maximum: 1000000 });
const NullableDateTime = Nullable<string>({ type: 'string', format: 'date-time' });

export const SessionBody = Type.Object({
  id: Type.Optional(Type.Integer({ description: 'Given to update an existing session (PATCH); left out to add one' })),
  kind: StringEnum(['plenary', 'breakout'] as const),
  title: Type.String({ maxLength: 200 }),
  topic: Type.Optional(Type.String({ maxLength: 2000 })),
  facilitator: Type.Optional(Type.String({ maxLength: 200 })),
  room: Type.Optional(Type.String({ maxLength: 200 })),
  startsAt: DateTime,
  endsAt: DateTime,
  capacity: Type.Optional(Capacity),
});

const eventFields = {
  title: Type.String({ maxLength: 200 }),
  slug: Type.String({
    maxLength: 80,
    description: 'Lower-case letters, digits and dashes; used in the public URL /e/:slug',
  }),
  description: Type.Optional(Type.String({ maxLength: 20000 })),
  venue: Type.Optional(Type.String({ maxLength: 200 })),
  address: Type.Optional(Type.String({ maxLength: 400 })),
  timezone: Type.Optional(Type.String({ description: 'IANA time zone, default Europe/Paris' })),
  startsAt: DateTime,
  endsAt: DateTime,
  capacity: Type.Optional(Capacity),
  status: Type.Optional(StringEnum(['draft', 'published', 'closed'] as const)),
  registrationOpensAt: Type.Optional(NullableDateTime),
  registrationClosesAt: Type.Optional(NullableDateTime),
  registrationMode: Type.Optional(
    StringEnum(['open', 'invitation'] as const, {
      description: "'open' (default): anyone may register; 'invitation': only the people the organisers invite",
    }),
  ),
  structureTypes: Type.Optional(Type.Array(StructureType, { maxItems: 100 })),
  sides: Type.Optional(
    Type.Array(Side, {
      maxItems: 20,
      description: 'The sides (volets) the breakout groups mix; default social, economique, technique',
    }),
  ),
  sessions: Type.Optional(Type.Array(SessionBody, { maxItems: 200 })),
  organiserName: Type.Optional(
    Type.String({ maxLength: 200, description: "Sender name of the emails to attendees (default: MAIL_FROM's name)" }),
  ),
  replyTo: Type.Optional(
    Type.String({
      maxLength: 254,
      description: 'Reply-To of the emails to attendees and ORGANIZER of their invites; empty for MAIL_FROM',
    }),
  ),
  series: Type.Optional(
    Nullable<string>({
      type: 'string',
      maxLength: 80,
      description: 'Key shared by the editions of a recurring event, e.g. "atelier-solidarite"; null for none',
    }),
  ),
  retentionMonths: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 120,
      description:
        "Months after the event's end during which registrations keep their personal data, then they are anonymised (default 12)",
    }),
  ),
  reminderDaysBefore: Type.Optional(
    Nullable<number>({
      type: 'integer',
      minimum: 1,
      maximum: 60,
      description: 'Days before the start when confirmed attendees get a reminder (default 2); null for no reminder',
    }),
  ),
  thankYouText: Type.Optional(
    Nullable<string>({
      type: 'string',
      maxLength: 5000,
      description: 'Thank-you emailed after the event to the people marked present; empty or null for none',
    }),
  ),
};

export const EventCreateBody = Type.Object(eventFields, { additionalProperties: false });
export const EventPatchBody = Type.Partial(Type.Object(eventFields), { additionalProperties: false });
export type EventCreateBody = Static<typeof EventCreateBody>;
export type EventPatchBody = Static<typeof EventPatchBody>;

const SessionResponse = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  title: Type.String(),
  topic: Type.String(),
  facilitator: Type.String(),
  room: Type.String(),
  startsAt: Type.String(),
  endsAt: Type.String(),
  capacity: Capacity,
});

export const EventResponse = Type.Object(
  {
    id: Type.Integer(),
    slug: Type.String(),
    title: Type.String(),
    description: Type.String(),
    venue: Type.String(),
    address: Type.String(),
    timezone: Type.String(),
    startsAt: Type.String(),
    endsAt: Type.String(),
    capacity: Capacity,
    confirmedCount: Type.Integer(),
    status: Type.String(),
    registrationOpensAt: Type.Union([Type.String(), Type.Null()]),
    registrationClosesAt: Type.Union([Type.String(), Type.Null()]),
    registrationMode: Type.String(),
    structureTypes: Type.Array(StructureTypeOut),
    sides: Type.Array(Side),
    sessions: Type.Array(SessionResponse),
    publicUrl: Type.String(),
    organiserName: Type.String(),
    replyTo: Type.String(),
    series: Type.Union([Type.String(), Type.Null()]),
    retentionMonths: Type.Integer(),
    reminderDaysBefore: Type.Union([Type.Integer(), Type.Null()]),
    thankYouText: Type.String(),
  },
  { $id: 'Event' },
);

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function sessionJson(s: EventSession) {
  return {
    id: s.id,
    kind: s.kind,
    title: s.title,
    topic: s.topic,
    facilitator: s.facilitator,
    room: s.room,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    capacity: s.capacity,
  };
}

export function eventJson(event: Event, publicUrl: string) {
  return {
    id: event.id,
    slug: event.slug,
    title: event.title,
    description: event.description,
    venue: event.venue,
    address: event.address,
    timezone: event.timezone,
    startsAt: event.startsAt.toISOString(),
    endsAt: event.endsAt.toISOString(),
    capacity: event.capacity,
    confirmedCount: event.confirmedCount,
    status: event.status,
    registrationOpensAt: iso(event.registrationOpensAt),
    registrationClosesAt: iso(event.registrationClosesAt),
    registrationMode: event.registrationMode,
    structureTypes: typesWithSides(event),
    sides: sidesOf(event),
    sessions: event.sessions.getItems().map(sessionJson),
    publicUrl: `${publicUrl}/e/${event.slug}`,
    series: event.series,
    organiserName: event.organiserName,
    replyTo: event.replyTo,
    retentionMonths: event.retentionMonths,
    reminderDaysBefore: event.reminderDaysBefore,
    thankYouText: event.thankYouText,
  };
}

/** API bodies carry ISO strings; the domain takes Dates. */
export function eventInputFromBody<T extends EventPatchBody>(body: T) {
  const date = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : new Date(v));
  const { startsAt, endsAt, registrationOpensAt, registrationClosesAt, sessions, thankYouText, ...rest } = body;
  const out: Record<string, unknown> = { ...rest };
  if (thankYouText !== undefined) out.thankYouText = thankYouText ?? '';
  if (startsAt !== undefined) out.startsAt = date(startsAt);
  if (endsAt !== undefined) out.endsAt = date(endsAt);
  if (registrationOpensAt !== undefined) out.registrationOpensAt = date(registrationOpensAt);
  if (registrationClosesAt !== undefined) out.registrationClosesAt = date(registrationClosesAt);
  if (sessions)
    out.sessions = sessions.map((s) => ({ ...s, startsAt: new Date(s.startsAt), endsAt: new Date(s.endsAt) }));
  return out;
}
