import { EventSchema, EventSessionSchema } from '../events/event.entity.js';
import { RegistrationFormSchema } from '../forms/registration-form.entity.js';
import { OutboxMessageSchema } from '../mail/outbox.entity.js';
import { ApiTokenSchema, OrganiserSchema } from '../organisers/organiser.entity.js';
import { RegistrationSchema } from '../registrations/registration.entity.js';

/** Every entity of the service, in one list for the ORM and the migration generator. */
export const entities = [OrganiserSchema, ApiTokenSchema, EventSchema, EventSessionSchema, RegistrationSchema, OutboxMessageSchema, RegistrationFormSchema];
