import fc from 'fast-check';
import t from 'tap';
import { shiftOnWallClock, utcToZonedLocal, zonedLocalToUtc } from '../../src/shared/time.js';

// Daylight-saving changes in these zones happen between 00:00 and 03:00 local time, so times from
// 04:00 on always exist, once, on the wall clock.
const ZONES = ['Europe/Paris', 'America/New_York', 'Australia/Sydney', 'UTC'];
const pad = (n: number) => String(n).padStart(2, '0');
const day = fc.date({
  min: new Date('2001-01-01T00:00:00Z'),
  max: new Date('2098-12-31T00:00:00Z'),
  noInvalidDate: true,
});
const minuteOfDay = fc.integer({ min: 4 * 60, max: 23 * 60 + 59 });
const at = (date: Date, minutes: number) =>
  `${date.toISOString().slice(0, 10)}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;

t.test('a session moved with its event keeps its wall-clock time and its distance in days', async (t) => {
  fc.assert(
    fc.property(
      fc.constantFrom(...ZONES),
      day,
      minuteOfDay,
      fc.integer({ min: 0, max: 3 }),
      minuteOfDay,
      day,
      minuteOfDay,
      (tz, eventDay, eventMinute, daysLater, sessionMinute, newDay, newMinute) => {
        // The moved session must itself fall on an hour that exists once (04:00 or later).
        fc.pre(sessionMinute >= eventMinute && sessionMinute - eventMinute + newMinute < 24 * 60);
        const from = zonedLocalToUtc(at(eventDay, eventMinute), tz) as Date;
        const sessionDay = new Date(eventDay.getTime() + daysLater * 86_400_000);
        const session = zonedLocalToUtc(at(sessionDay, sessionMinute), tz) as Date;
        const to = zonedLocalToUtc(at(newDay, newMinute), tz) as Date;
        const moved = utcToZonedLocal(shiftOnWallClock(session, from, to, tz), tz);
        // By hand: local times read as UTC, moved by the same amount.
        const wall = (text: string) => Date.parse(`${text}:00Z`);
        const expected = new Date(
          wall(at(sessionDay, sessionMinute)) + wall(at(newDay, newMinute)) - wall(at(eventDay, eventMinute)),
        );
        return moved === expected.toISOString().slice(0, 16);
      },
    ),
    { numRuns: 500 },
  );
  t.pass('500 random programmes moved');
});

t.test('the event itself lands on the chosen instant', async (t) => {
  const from = new Date('2027-01-15T08:00:00Z');
  const to = new Date('2027-07-02T07:30:00Z');
  t.equal(shiftOnWallClock(from, from, to, 'Europe/Paris').toISOString(), to.toISOString());
  const afternoon = new Date('2027-01-15T13:00:00Z'); // 14:00 in Paris, winter time
  t.equal(
    shiftOnWallClock(afternoon, from, to, 'Europe/Paris').toISOString(),
    '2027-07-02T12:30:00.000Z',
    '14:30 in Paris, summer time',
  );
});
