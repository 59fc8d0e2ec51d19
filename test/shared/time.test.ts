import t from 'tap';
import { isValidTimeZone, utcToZonedLocal, zonedLocalToUtc } from '../../src/shared/time.js';

t.test('wall-clock times in a zone, on both sides of daylight saving time', async (t) => {
  t.equal(zonedLocalToUtc('2013-11-15T09:00', 'Europe/Paris')?.toISOString(), '2013-11-15T08:00:00.000Z');
  t.equal(zonedLocalToUtc('2014-07-01T09:00', 'Europe/Paris')?.toISOString(), '2014-07-01T07:00:00.000Z');
  t.equal(
    zonedLocalToUtc('2014-03-30T03:30', 'Europe/Paris')?.toISOString(),
    '2014-03-30T01:30:00.000Z',
    'just after the spring change',
  );
  t.equal(zonedLocalToUtc('2014-01-15T09:00', 'America/Guadeloupe')?.toISOString(), '2014-01-15T13:00:00.000Z');
  t.equal(utcToZonedLocal(new Date('2013-11-15T08:00:00Z'), 'Europe/Paris'), '2013-11-15T09:00');
  t.equal(utcToZonedLocal(new Date('2014-07-01T07:00:00Z'), 'Europe/Paris'), '2014-07-01T09:00');
});

t.test('unreadable times are refused', async (t) => {
  for (const text of ['', 'demain', '2013-02-30T09:00', '2013-11-15T25:00', '2013-11-15'])
    t.equal(zonedLocalToUtc(text, 'Europe/Paris'), null, text);
  t.ok(isValidTimeZone('Europe/Paris'));
  t.notOk(isValidTimeZone('Europe/Angers'));
});
