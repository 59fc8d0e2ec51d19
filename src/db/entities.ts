import { EventMember } from '../access/event-member.entity.js';
import { Attendance } from '../cycles/attendance.entity.js';
import { Invitation } from '../cycles/invitation.entity.js';
import { AuditEntry } from '../audit/audit.entity.js';
import { Event, EventSession } from '../events/event.entity.js';
import { RegistrationForm } from '../forms/registration-form.entity.js';
import { SurveyForm } from '../forms/survey-form.entity.js';
import { SurveyInvitation } from '../surveys/survey-invitation.entity.js';
import { SurveyResponse } from '../surveys/survey-response.entity.js';
import { OutboxMessage } from '../mail/outbox.entity.js';
import { LoginFailure, PasswordReset } from '../organisers/account.entity.js';
import { ApiToken, Organiser } from '../organisers/organiser.entity.js';
import { IdempotencyRecord } from '../registrations/idempotency.entity.js';
import { Registration } from '../registrations/registration.entity.js';
import { JobRun } from '../jobs/job-run.entity.js';
import { ErasureLog } from '../privacy/erasure-log.entity.js';
import { Structure } from '../structures/structure.entity.js';
import { Material } from '../materials/material.entity.js';
import { FacilitatorLink, GroupSynthesis } from '../syntheses/synthesis.entity.js';

/** Every entity of the service, in one list for the ORM and the migration generator. */
export const entities = [
  Organiser,
  ApiToken,
  Event,
  EventSession,
  Registration,
  OutboxMessage,
  RegistrationForm,
  JobRun,
  ErasureLog,
  EventMember,
  AuditEntry,
  IdempotencyRecord,
  PasswordReset,
  LoginFailure,
  Attendance,
  Invitation,
  Structure,
  GroupSynthesis,
  FacilitatorLink,
  Material,
  SurveyForm,
  SurveyInvitation,
  SurveyResponse,
];
