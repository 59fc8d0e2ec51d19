import { Migration } from '@mikro-orm/migrations';

export class Migration20261129073241 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "event" ("id" serial primary key, "slug" varchar(80) not null, "title" varchar(200) not null, "description" text not null default '', "venue" varchar(200) not null default '', "address" varchar(400) not null default '', "timezone" varchar(64) not null default 'Europe/Paris', "starts_at" timestamptz not null, "ends_at" timestamptz not null, "capacity" int null, "confirmed_count" int not null default 0, "status" varchar(16) not null default 'draft', "registration_opens_at" timestamptz null, "registration_closes_at" timestamptz null, "structure_types" jsonb not null, "organiser_name" varchar(200) not null default '', "reply_to" varchar(254) not null default '', "series" varchar(80) null, "sequence" int not null default 0, "assignments_published_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "event" add constraint "event_slug_unique" unique ("slug");`);
    this.addSql(`create index "event_status_index" on "event" ("status");`);
    this.addSql(`create index "event_series_index" on "event" ("series");`);

    this.addSql(
      `create table "event_session" ("id" serial primary key, "event_id" int not null, "kind" varchar(16) not null, "title" varchar(200) not null, "topic" text not null default '', "facilitator" varchar(200) not null default '', "room" varchar(200) not null default '', "starts_at" timestamptz not null, "ends_at" timestamptz not null, "capacity" int null, "position" int not null default 0);`,
    );

    this.addSql(
      `create table "organiser" ("id" serial primary key, "email" varchar(254) not null, "name" varchar(200) not null, "password_hash" varchar(300) not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`alter table "organiser" add constraint "organiser_email_unique" unique ("email");`);

    this.addSql(
      `create table "api_token" ("id" serial primary key, "organiser_id" int not null, "token_hash" varchar(64) not null, "label" varchar(200) not null, "created_at" timestamptz not null, "revoked_at" timestamptz null);`,
    );
    this.addSql(`alter table "api_token" add constraint "api_token_token_hash_unique" unique ("token_hash");`);

    this.addSql(
      `create table "registration" ("id" serial primary key, "event_id" int not null, "token" varchar(64) not null, "first_name" varchar(100) not null, "last_name" varchar(100) not null, "email" varchar(254) not null, "email_key" varchar(254) not null, "organisation" varchar(200) not null, "structure_type" varchar(64) not null, "status" varchar(16) not null, "answers" jsonb not null, "group_id" int null, "group_locked" boolean not null default false, "locale" varchar(8) not null default 'fr', "checked_in_at" timestamptz null, "consent_at" timestamptz not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "registration" add constraint "registration_token_unique" unique ("token");`);
    this.addSql(`create index "registration_event_id_status_index" on "registration" ("event_id", "status");`);
    this.addSql(
      `create index "registration_report_index" on "registration" ("event_id", "status", "structure_type", "group_id", "checked_in_at");`,
    );
    this.addSql(`create index "registration_event_id_id_index" on "registration" ("event_id", "id");`);
    this.addSql(
      `alter table "registration" add constraint "registration_event_email_unique" unique ("event_id", "email_key");`,
    );

    this.addSql(
      `create table "outbox_message" ("id" serial primary key, "event_id" int not null, "registration_id" int null, "kind" varchar(32) not null, "dedupe_key" varchar(200) not null, "recipient" varchar(254) not null, "recipient_name" varchar(200) not null default '', "locale" varchar(8) not null default 'fr', "from_name" varchar(200) not null, "from_address" varchar(254) not null, "reply_to" varchar(254) null, "subject" varchar(300) not null, "text" text not null, "html" text not null, "ics" text null, "ics_method" varchar(16) null, "status" varchar(16) not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "claimed_until" timestamptz null, "claim_token" varchar(64) null, "last_error" text null, "sent_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "outbox_message" add constraint "outbox_message_dedupe_key_unique" unique ("dedupe_key");`,
    );
    this.addSql(`create index "outbox_message_due_index" on "outbox_message" ("status", "next_attempt_at");`);
    this.addSql(`create index "outbox_message_event_listing_index" on "outbox_message" ("event_id", "id");`);

    this.addSql(
      `create table "registration_form" ("id" serial primary key, "event_id" int not null, "definition" jsonb not null, "retired_keys" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "registration_form" add constraint "registration_form_event_unique" unique ("event_id");`);

    this.addSql(
      `alter table "event_session" add constraint "event_session_event_id_foreign" foreign key ("event_id") references "event" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "api_token" add constraint "api_token_organiser_id_foreign" foreign key ("organiser_id") references "organiser" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "registration" add constraint "registration_event_id_foreign" foreign key ("event_id") references "event" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "registration" add constraint "registration_group_id_foreign" foreign key ("group_id") references "event_session" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "outbox_message" add constraint "outbox_message_event_id_foreign" foreign key ("event_id") references "event" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "outbox_message" add constraint "outbox_message_registration_id_foreign" foreign key ("registration_id") references "registration" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "registration_form" add constraint "registration_form_event_id_foreign" foreign key ("event_id") references "event" ("id") on update cascade on delete cascade;`,
    );
  }
}
