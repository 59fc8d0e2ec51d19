import t from 'tap';
import { attachmentHeader, displayName } from '../../src/materials/materials.service.js';

t.test('a long name is cut between characters, never inside an emoji', async (t) => {
  // 'a' then 100 emojis (two UTF-16 units each): cut to 196 units, the cut fell in the middle of one.
  const name = displayName(`a${'😀'.repeat(100)}.pdf`);
  t.ok(name.length <= 200, 'at most 200 units');
  t.ok(name.endsWith('😀.pdf'), 'ends with a whole emoji and the extension');
  t.notOk(/[\uD800-\uDFFF]/u.test(name.replace(/😀/gu, '')), 'no lone surrogate');
  t.doesNotThrow(() => attachmentHeader(name), 'the download header can encode it');
  const plain = displayName(`${'é'.repeat(300)}`);
  t.equal(plain.length, 200);
});
