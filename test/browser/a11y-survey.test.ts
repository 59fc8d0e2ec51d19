import t from 'tap';
import { Event } from '../../src/events/event.entity.js';
import { saveDefinition } from '../../src/forms/form.service.js';
import { translator } from '../../src/i18n/i18n.js';
import { SurveyInvitation } from '../../src/surveys/survey-invitation.entity.js';
import { surveyToken } from '../../src/surveys/survey-token.js';
import { answerSurvey, sendSurvey } from '../../src/surveys/survey.service.js';
import { buildTestApp } from '../support/app.js';
import { checkPage, populatedEvent } from '../support/axe.js';
import { launchChromium } from '../support/chromium.js';

// axe-core in real Chromium on the survey's pages: the organiser's page and builder, the report's
// results, and the attendee's page before and after answering.
const { app, orm, config } = await buildTestApp(t);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
t.teardown(() => browser.close());
const { page, event, base } = await populatedEvent(orm, browser, address);
const em = () => orm.em.fork();

await saveDefinition(
  em(),
  (await em().findOneOrFail(Event, { id: event.id })) as Event,
  {
    sections: [
      {
        title: 'Votre avis',
        fields: [
          { type: 'choice', label: 'Globalement', required: true, options: [{ label: 'Bien' }, { label: 'Moyen' }] },
          { type: 'textarea', label: 'Vos idées' },
        ],
      },
    ],
  },
  'survey',
);
const end = new Date(Date.now() - 3600_000);
await em().nativeUpdate(Event, { id: event.id }, { startsAt: new Date(end.getTime() - 4 * 3600_000), endsAt: end });
const ended = (await em().findOneOrFail(Event, { id: event.id })) as Event;
await sendSurvey(em(), ended, 'confirmed', app.mail.settings, config.sessionKey);
const [answered, open] = await em().find(SurveyInvitation, { event: event.id }, { orderBy: { id: 'asc' } });
await answerSurvey(em(), answered.id, { globalement: 'bien', 'vos-idees': 'Plus de pauses' }, translator('fr'));

const pages = [
  `${base}/survey`,
  `${base}/survey/form`,
  `${base}/survey/form/fields/new`,
  `${base}/survey/form/preview`,
  `${base}/report`,
  `/s/${surveyToken(config.sessionKey, open.id)}`,
  `/s/${surveyToken(config.sessionKey, answered.id)}`,
];

t.test('survey pages: no WCAG 2.1 AA violation at 1280 and 390 px, no sideways scrolling', async (t) => {
  for (const path of pages) await checkPage(t, page, address, path);
});
