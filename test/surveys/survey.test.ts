import fc from 'fast-check';
import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { OutboxMessage } from '../../src/mail/outbox.entity.js';
import { createMailTransport, drainOutbox } from '../../src/mail/outbox.worker.js';
import { createApiToken, createOrganiser } from '../../src/organisers/organiser.service.js';
import { hidePrivateLinks } from '../../src/registrations/private-link.js';
import { Registration } from '../../src/registrations/registration.entity.js';
import { register } from '../../src/registrations/registration.service.js';
import { SurveyInvitation } from '../../src/surveys/survey-invitation.entity.js';
import { SurveyResponse } from '../../src/surveys/survey-response.entity.js';
import { surveyResults } from '../../src/surveys/survey-results.js';
import { Browser, buildTestApp, csrfFrom, signedInOrganiser, textOf } from '../support/app.js';
import { attendee, openEvent } from '../support/events.js';
import { TestSmtpServer } from '../support/smtp.js';

// The satisfaction survey (issue #20): built with the form builder, sent once per person through the
// outbox to a real SMTP server, answered once through a signed personal link, anonymous unless the
// organiser chooses otherwise, its results counted on the report and in the API.
const smtp = await TestSmtpServer.start();
t.teardown(() => smtp.stop());
const { app, orm, config } = await buildTestApp(t, {
  SMTP_URL: smtp.url,
  MAIL_FROM: 'Inscriptions <inscriptions@atelier.test>',
  MAIL_WORKER: 'false',
  SCHEDULED_JOBS: 'false',
});
const transport = createMailTransport(config.mail);
t.teardown(() => transport.close?.());
const organiser = await signedInOrganiser(app);
await createOrganiser(orm.em.fork(), { email: 'api@alisee.fr', password: 'mot-de-passe-api' });
const auth = { authorization: `Bearer ${await createApiToken(orm.em.fork(), 'api@alisee.fr')}` };
const em = () => orm.em.fork();
const isPostgres = config.database.kind === 'postgresql';
const settings = { mail: app.mail.settings };

const api = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: auth, ...(payload === undefined ? {} : { payload: payload as object }) });

const survey = {
  sections: [
    {
      title: 'Votre avis',
      fields: [
        {
          key: 'note',
          type: 'choice',
          label: 'Globalement, vous êtes',
          required: true,
          options: [
            { key: 'ravi', label: 'Ravi' },
            { key: 'satisfait', label: 'Satisfait' },
            { key: 'decu', label: 'Déçu' },
          ],
        },
        {
          key: 'formats',
          type: 'multiple',
          label: 'Formats appréciés',
          options: [
            { key: 'pleniere', label: 'Plénière' },
            { key: 'groupes', label: 'Groupes' },
          ],
        },
        { key: 'revenir', type: 'yesno', label: 'Reviendriez-vous ?' },
        { key: 'idees', type: 'textarea', label: 'Vos idées' },
      ],
    },
  ],
};

/** An event ended an hour ago (a survey goes out after it), with its people. */
async function endEvent(event: Event) {
  const end = new Date(Date.now() - 3600_000);
  await em().nativeUpdate(Event, { id: event.id }, { startsAt: new Date(end.getTime() - 4 * 3600_000), endsAt: end });
}

const checkIn = (r: Registration) => em().nativeUpdate(Registration, { id: r.id }, { checkedInAt: new Date() });

/** The personal links the SMTP server received, by recipient. */
function surveyLinks(): Map<string, string> {
  const links = new Map<string, string>();
  for (const mail of smtp.received) {
    const match = /http:\/\/atelier\.test(\/s\/[0-9]+\.[A-Za-z0-9_-]+)\?lang=(fr|en)/.exec(mail.parsed.text ?? '');
    if (match) links.set(mail.to[0], `${match[1]}?lang=${match[2]}`);
  }
  return links;
}

const event = await openEvent(em(), { capacity: 10 });
const [ana, bruno, chloe] = [
  await register(em(), event, attendee(1), { ...settings, locale: 'en' }),
  await register(em(), event, attendee(2), settings),
  await register(em(), event, attendee(3), settings),
];
await checkIn(ana);
await checkIn(bruno);
await drainOutbox(orm, transport);

t.test('the API refuses what a survey cannot hold, as 4xx JSON', async (t) => {
  const empty = await api('GET', `/api/v1/events/${event.id}/survey`);
  t.equal(empty.statusCode, 200);
  t.same(empty.json(), { builtIns: {}, sections: [], anonymous: true }, 'no survey yet: no question, anonymous');

  const cases: [string, unknown, string][] = [
    ['built-in labels', { builtIns: { email: { label: 'Courriel' } }, sections: [] }, 'not_in_survey'],
    [
      'an email question',
      { sections: [{ title: 'A', fields: [{ type: 'email', label: 'Votre courriel' }] }] },
      'not_in_survey',
    ],
    [
      'a group preference',
      { sections: [{ title: 'A', fields: [{ type: 'group_preference', label: 'Groupes' }] }] },
      'not_in_survey',
    ],
    ['an unknown property', { sections: [], extra: 1 }, ''],
    ['a wrong type', { sections: 'non' }, ''],
  ];
  for (const [what, payload, code] of cases) {
    const res = await api('PUT', `/api/v1/events/${event.id}/survey`, payload);
    t.equal(res.statusCode, 400, what);
    t.match(res.headers['content-type'], /application\/json/, `${what}: JSON`);
    if (code)
      t.ok(
        res.json().details.some((d: { code: string }) => d.code === code),
        `${what}: ${code}`,
      );
  }
  const noQuestion = await api('POST', `/api/v1/events/${event.id}/survey/send`, { to: 'present' });
  t.equal(noQuestion.statusCode, 409);
  t.equal(noQuestion.json().error, 'survey_empty');
  for (const body of [{ to: 'everyone' }, {}, { to: 'present', extra: true }]) {
    const res = await api('POST', `/api/v1/events/${event.id}/survey/send`, body);
    t.equal(res.statusCode, 400, `send ${JSON.stringify(body)}`);
    t.type(res.json().error, 'string');
  }
  const unknown = await api('GET', '/api/v1/events/999999/survey/results');
  t.equal(unknown.statusCode, 404);
  const registrationForm = await api('GET', `/api/v1/events/${event.id}/form`);
  t.same(registrationForm.json(), { builtIns: {}, sections: [] }, 'the registration form is untouched');
});

t.test('the survey builder pages: the same builder, without the registration fields', async (t) => {
  const empty = textOf((await organiser.get(`/admin/events/${event.id}/survey`)).body);
  t.match(empty, "Aucune question pour l'instant.", 'no "0 question attend une réponse"');
  t.match(empty, 'Pas encore envoyé.', 'no "Envoyé à 0 personne"');
  t.notMatch(empty, /\b0 question/);
  const page = await organiser.get(`/admin/events/${event.id}/survey/form`);
  t.equal(page.statusCode, 200);
  const text = textOf(page.body);
  t.match(text, 'Questionnaire de satisfaction');
  t.notMatch(text, 'Prénom', 'no built-in field');
  t.notMatch(page.body, `/admin/events/${event.id}/form/`, 'every link stays in the survey builder');
  const types = await organiser.get(`/admin/events/${event.id}/survey/form/fields/new`);
  t.match(types.body, 'value="choice"');
  t.notMatch(types.body, 'value="group_preference"', 'no group preference offered');
  t.notMatch(types.body, 'value="email"', 'no email question offered');
  const refused = await organiser.get(`/admin/events/${event.id}/survey/form/fields/new?type=group_preference`);
  t.equal(refused.statusCode, 400);

  const added = await organiser.submit(
    `/admin/events/${event.id}/survey/form/fields/new?type=text`,
    `/admin/events/${event.id}/survey/form/fields`,
    { type: 'text', label: 'Un mot pour finir' },
  );
  t.equal(added.statusCode, 303, added.body.slice(0, 300));
  t.match(added.headers.location, `/admin/events/${event.id}/survey/form#q-`);
  const saved = (await api('GET', `/api/v1/events/${event.id}/survey`)).json();
  t.equal(saved.sections[0].fields[0].label, 'Un mot pour finir');
  t.match(textOf((await organiser.get(`/admin/events/${event.id}/survey`)).body), 'Le questionnaire pose 1 question.');
  t.same((await api('GET', `/api/v1/events/${event.id}/form`)).json().sections, [], 'not in the registration form');
  const preview = await organiser.get(`/admin/events/${event.id}/survey/form/preview`);
  t.equal(preview.statusCode, 200);
  t.match(textOf(preview.body), 'Un mot pour finir');
  t.notMatch(textOf(preview.body), 'Prénom');
});

t.test('the survey is sent after the event, once per person, in their language', async (t) => {
  const put = await api('PUT', `/api/v1/events/${event.id}/survey`, survey);
  t.equal(put.statusCode, 200, put.body);
  t.equal(put.json().anonymous, true);

  const early = await api('POST', `/api/v1/events/${event.id}/survey/send`, { to: 'present' });
  t.equal(early.statusCode, 409);
  t.equal(early.json().error, 'survey_too_early');
  await endEvent(event);

  const present = await api('POST', `/api/v1/events/${event.id}/survey/send`, { to: 'present' });
  t.same(present.json(), { queued: 2, alreadySent: 0 }, 'the two people marked present');
  const again = await api('POST', `/api/v1/events/${event.id}/survey/send`, { to: 'present' });
  t.same(again.json(), { queued: 0, alreadySent: 2 }, 'sending again reaches nobody twice');

  // From the organiser's page, to everyone confirmed: only Chloé is left.
  const page = await organiser.get(`/admin/events/${event.id}/survey`);
  t.match(textOf(page.body), 'un nouvel envoi ne touche que les personnes');
  const sent = await organiser.submit(`/admin/events/${event.id}/survey`, `/admin/events/${event.id}/survey/send`, {
    to: 'confirmed',
  });
  t.equal(sent.statusCode, 303);
  t.match(textOf((await organiser.get(`/admin/events/${event.id}/survey`)).body), 'pour 1 personne');

  await drainOutbox(orm, transport);
  await drainOutbox(orm, transport);
  const mails = smtp.received.filter((m) => /avis|opinion/.test(m.parsed.subject ?? ''));
  t.same(mails.map((m) => m.to[0]).sort(), [ana.email, bruno.email, chloe.email], 'one email each');
  const toAna = mails.find((m) => m.to[0] === ana.email)!;
  t.match(toAna.parsed.subject, 'Your opinion', 'in the attendee’s language');
  t.match(toAna.parsed.text, 'anonymous');
  t.match(mails.find((m) => m.to[0] === bruno.email)!.parsed.text, 'anonyme');
  t.equal(await em().count(OutboxMessage, { event: event.id, kind: 'survey' }), 3);

  const emailsPage = await organiser.get(`/admin/events/${event.id}/emails`);
  t.match(textOf(emailsPage.body), 'Questionnaire de satisfaction', 'listed on the emails page');

  const refused = await api('PUT', `/api/v1/events/${event.id}/survey`, { ...survey, anonymous: false });
  t.equal(refused.statusCode, 409, 'anonymity is fixed once sent');
  t.equal(refused.json().error, 'survey_already_sent');
});

t.test('each person answers once, through their link; a forged link reaches nothing', async (t) => {
  const links = surveyLinks();
  t.equal(links.size, 3);
  const annaBrowser = new Browser(app);
  const link = links.get(ana.email)!;
  const page = await annaBrowser.get(link);
  t.equal(page.statusCode, 200);
  t.match(textOf(page.body), 'This survey is anonymous', 'the page says it is anonymous');

  const missing = await annaBrowser.submit(link, link.split('?')[0], { idees: 'rien' });
  t.equal(missing.statusCode, 400, 'a required question left out');
  t.equal(await em().count(SurveyResponse, { event: event.id }), 0, 'nothing stored');

  // A second tab, opened before answering: its form is refused once the first is sent.
  const secondTab = csrfFrom((await annaBrowser.get(link)).body);
  const ok = await annaBrowser.submit(link, link.split('?')[0], {
    note: 'ravi',
    formats: ['pleniere', 'groupes'],
    revenir: 'yes',
    idees: 'Plus de temps en groupes',
  });
  t.equal(ok.statusCode, 303);
  const thanks = await annaBrowser.get(link.split('?')[0]);
  t.match(textOf(thanks.body), 'Thank you, your answers are saved', 'in her language');
  t.notMatch(thanks.body, 'name="note"', 'no form any more');
  const inFrench = await new Browser(app).get(`${link.split('?')[0]}?lang=fr`);
  t.match(textOf(inFrench.body), 'Merci, vos réponses sont enregistrées');

  const twice = await annaBrowser.post(link.split('?')[0], { _csrf: secondTab, note: 'decu' });
  t.equal(twice.statusCode, 409, 'a second answer is refused');
  t.match(textOf(twice.body), 'Thank you, your answers are saved');
  t.equal(await em().count(SurveyResponse, { event: event.id }), 1, 'and not stored');

  const bruno_ = new Browser(app);
  const brunoLink = links.get(bruno.email)!.split('?')[0];
  const brunoAnswer = await bruno_.submit(brunoLink, brunoLink, {
    note: 'satisfait',
    formats: 'groupes',
    revenir: 'no',
  });
  t.equal(brunoAnswer.statusCode, 303);
  t.equal(await em().count(SurveyResponse, { event: event.id }), 2);

  const [id] = brunoLink.slice(3).split('.');
  for (const forged of [`/s/${id}.AAAAAAAAAAAAAAAAAAAAAAAA`, `/s/${Number(id) + 1}.${brunoLink.split('.')[1]}`, '/s/x'])
    t.equal((await app.inject({ method: 'GET', url: forged })).statusCode, 404, `${forged} reaches nothing`);
});

t.test('anonymous answers cannot be linked back: no stored value joins them to a person', async (t) => {
  const conn = em().getConnection();
  const responses: Record<string, unknown>[] = await conn.execute('select * from survey_response where event_id = ?', [
    event.id,
  ]);
  const invitations: Record<string, unknown>[] = await conn.execute(
    'select * from survey_invitation where event_id = ?',
    [event.id],
  );
  t.equal(responses.length, 2);
  t.same(Object.keys(responses[0]).sort(), ['answered_on', 'answers', 'event_id', 'id', 'registration_id']);
  t.same(Object.keys(invitations[0]).sort(), ['answered', 'event_id', 'id', 'registration_id', 'sent_at']);
  for (const r of responses) {
    t.equal(r.registration_id, null, 'no registration');
    t.match(String(r.id), /^[0-9a-f]{32}$/, 'a random id, not a sequence number');
    t.match(String(r.answered_on), /^\d{4}-\d{2}-\d{2}$/, 'the day only, no time');
  }
  // No column of a response (but the event) holds a value any invitation or registration holds.
  const personal = new Set<string>();
  for (const i of invitations) for (const [k, v] of Object.entries(i)) if (k !== 'event_id') personal.add(String(v));
  for (const r of [ana, bruno, chloe]) personal.add(String(r.id));
  for (const r of responses)
    for (const [k, v] of Object.entries(r))
      if (k !== 'event_id' && k !== 'answers' && v !== null) t.notOk(personal.has(String(v)), `${k} joins nothing`);
  t.equal(invitations.filter((i) => i.answered === true || i.answered === 1).length, 2, 'who answered, apart');
  const anaData = (await api('GET', `/api/v1/registrations/${ana.id}/personal-data`)).json();
  t.equal(anaData.survey.answered, true, 'her access request says she answered');
  t.same(anaData.survey.answers, [], 'but holds no answer: none can be told hers');
  if (!isPostgres)
    await t.rejects(
      conn.execute('select rowid from survey_response'),
      'SQLite keeps no insertion order: the table has no rowid',
    );
  if (isPostgres) {
    // The row versions: every invitation rewritten by the last answer, none singled out.
    const versions: { xmin: string }[] = await conn.execute(
      'select distinct xmin::text as xmin from survey_invitation where event_id = ?',
      [event.id],
    );
    t.equal(versions.length, 1, 'one row version for all invitations');
  }
});

t.test('results add up, on the API and the report page', async (t) => {
  const res = await api('GET', `/api/v1/events/${event.id}/survey/results`);
  t.equal(res.statusCode, 200);
  const results = res.json();
  t.equal(results.sent, 3);
  t.equal(results.answered, 2);
  const note = results.questions.find((q: { key: string }) => q.key === 'note');
  t.same(
    note.choices.map((c: { key: string; count: number; percent: number }) => [c.key, c.count, c.percent]),
    [
      ['ravi', 1, 50],
      ['satisfait', 1, 50],
      ['decu', 0, 0],
    ],
  );
  const formats = results.questions.find((q: { key: string }) => q.key === 'formats');
  t.same(
    formats.choices.map((c: { count: number; percent: number }) => [c.count, c.percent]),
    [
      [1, 50],
      [2, 100],
    ],
    'multiple choice: share of the people who answered',
  );
  t.same(results.questions.find((q: { key: string }) => q.key === 'idees').texts, ['Plus de temps en groupes']);

  const report = await organiser.get(`/admin/events/${event.id}/report`);
  t.equal(report.statusCode, 200);
  const text = textOf(report.body);
  t.match(text, 'Réponses reçues : 2, pour un questionnaire envoyé à 3 personnes');
  t.match(report.body, '50\u202f%', 'French percentages');
  t.match(text, 'Plus de temps en groupes');
});

t.test('a survey that is not anonymous keeps the registration, and says so', async (t) => {
  const named = await openEvent(em(), { capacity: 5 });
  const dora = await register(em(), named, attendee(9), settings);
  await checkIn(dora);
  const put = await api('PUT', `/api/v1/events/${named.id}/survey`, { ...survey, anonymous: false });
  t.equal(put.statusCode, 200, put.body);
  t.equal(put.json().anonymous, false);
  await endEvent(named);
  t.same((await api('POST', `/api/v1/events/${named.id}/survey/send`, { to: 'present' })).json(), {
    queued: 1,
    alreadySent: 0,
  });
  await drainOutbox(orm, transport);
  const link = surveyLinks().get(dora.email)!.split('?')[0];
  const browser = new Browser(app);
  t.match(textOf((await browser.get(link)).body), "n'est pas anonyme");
  t.equal((await browser.submit(link, link, { note: 'ravi' })).statusCode, 303);
  const [response] = await em().find(SurveyResponse, { event: named.id });
  t.equal(response.registration?.id, dora.id);
  t.equal(
    await em().count(SurveyInvitation, { event: named.id, answered: true }),
    1,
    'and the invitation says answered',
  );
  const data = (await api('GET', `/api/v1/registrations/${dora.id}/personal-data`)).json();
  t.equal(data.survey.answers[0].answers[0].key, 'note', 'her named answers are in her access request');
  // A viewer reading her emails never gets the survey link (they could answer in her place).
  const mailText = data.emails.find((m: { kind: string }) => m.kind === 'survey').text as string;
  t.match(mailText, /\/s\/[0-9]+\./);
  t.notMatch(hidePrivateLinks(mailText), /\/s\/[0-9]+\./, 'masked for viewers');
});

t.test('property: whatever the answers, every count adds up', async (t) => {
  const prop = await openEvent(em(), { capacity: 5 });
  await api('PUT', `/api/v1/events/${prop.id}/survey`, survey);
  const answer = fc.record({
    note: fc.constantFrom('ravi', 'satisfait', 'decu'),
    formats: fc.subarray(['pleniere', 'groupes']),
    revenir: fc.option(fc.boolean(), { nil: undefined }),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(answer, { maxLength: 12 }), async (answers) => {
      const e = em();
      await e.nativeDelete(SurveyResponse, { event: prop.id });
      for (const [i, a] of answers.entries()) {
        const stored: Record<string, unknown> = {
          note: { label: 'Note', type: 'choice', value: a.note },
        };
        if (a.formats.length) stored.formats = { label: 'Formats', type: 'multiple', value: a.formats };
        if (a.revenir !== undefined) stored.revenir = { label: 'Revenir', type: 'yesno', value: a.revenir };
        await e.insert(SurveyResponse, {
          id: `${i}`.padStart(32, '0'),
          event: prop.id,
          registration: null,
          answers: stored as never,
          answeredOn: '2026-11-30',
        });
      }
      const results = await surveyResults(em(), (await em().findOneOrFail(Event, { id: prop.id })) as Event);
      const q = (key: string) => results.questions.find((x) => x.key === key)!;
      const note = q('note').choices!;
      const total = note.reduce((s, c) => s + c.count, 0);
      const percents = note.reduce((s, c) => s + c.percent, 0);
      const formats = q('formats');
      const revenir = q('revenir').choices!;
      return (
        results.answered === answers.length &&
        total === answers.length &&
        percents === (answers.length ? 100 : 0) &&
        formats.answers === answers.filter((a) => a.formats.length).length &&
        formats.choices!.every((c) => c.count <= formats.answers) &&
        revenir.reduce((s, c) => s + c.count, 0) === answers.filter((a) => a.revenir !== undefined).length
      );
    }),
    { numRuns: 25 },
  );
  t.pass('counts and percentages add up');
});

t.test('a new edition takes the survey along, not its sending or answers', async (t) => {
  const source = await openEvent(em(), { capacity: 5 });
  await api('PUT', `/api/v1/events/${source.id}/survey`, { ...survey, anonymous: false });
  const start = new Date(source.startsAt.getTime() + 365 * 24 * 3600_000).toISOString();
  const res = await api('POST', `/api/v1/events/${source.id}/duplicate`, { startsAt: start, slug: 'atelier-suivant' });
  t.equal(res.statusCode, 201, res.body);
  const next = res.json().id;
  const copied = (await api('GET', `/api/v1/events/${next}/survey`)).json();
  t.same(
    copied.sections[0].fields.map((f: { key: string }) => f.key),
    survey.sections[0].fields.map((f) => f.key),
  );
  t.equal(copied.anonymous, false, 'its anonymity too');
  t.same((await api('GET', `/api/v1/events/${next}/survey/results`)).json().sent, 0);
});

t.test("past the event's retention, a survey link opens nothing and takes no answer", async (t) => {
  const link = surveyLinks().get(chloe.email)!.split('?')[0];
  const browser = new Browser(app);
  const before = await browser.get(link);
  t.equal(before.statusCode, 200, 'still open within the retention');
  const csrf = csrfFrom(before.body);
  await em().nativeUpdate(Event, { id: event.id }, { retentionMonths: 0 });
  t.equal((await app.inject({ method: 'GET', url: link })).statusCode, 404);
  const late = await browser.post(link, { _csrf: csrf, note: 'ravi', formats: 'groupes', revenir: 'yes' });
  t.equal(late.statusCode, 404, 'an answer sent from a page opened earlier is refused too');
  t.equal(await em().count(SurveyResponse, { event: event.id }), 2, 'nothing stored');
});
