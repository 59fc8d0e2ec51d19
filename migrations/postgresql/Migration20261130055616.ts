import { Migration } from '@mikro-orm/migrations';

export class Migration20261130055616 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "survey_form" ("id" serial primary key, "event_id" int not null, "definition" jsonb not null, "retired_keys" jsonb not null, "anonymous" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "survey_form" add constraint "survey_form_event_unique" unique ("event_id");`);

    this.addSql(
      `create table "survey_invitation" ("id" serial primary key, "event_id" int not null, "registration_id" int not null, "sent_at" timestamptz not null, "answered" boolean not null default false);`,
    );
    this.addSql(`create index "survey_invitation_event_id_index" on "survey_invitation" ("event_id");`);
    this.addSql(
      `alter table "survey_invitation" add constraint "survey_invitation_registration_unique" unique ("registration_id");`,
    );

    this.addSql(
      `create table "survey_response" ("id" varchar(32) not null, "event_id" int not null, "registration_id" int null, "answers" jsonb not null, "answered_on" varchar(10) not null, constraint "survey_response_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "survey_response_event_id_index" on "survey_response" ("event_id");`);

    this.addSql(
      `alter table "survey_form" add constraint "survey_form_event_id_foreign" foreign key ("event_id") references "event" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "survey_invitation" add constraint "survey_invitation_event_id_foreign" foreign key ("event_id") references "event" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "survey_invitation" add constraint "survey_invitation_registration_id_foreign" foreign key ("registration_id") references "registration" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "survey_response" add constraint "survey_response_event_id_foreign" foreign key ("event_id") references "event" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "survey_response" add constraint "survey_response_registration_id_foreign" foreign key ("registration_id") references "registration" ("id") on update cascade on delete set null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "survey_form" cascade;`);

    this.addSql(`drop table if exists "survey_invitation" cascade;`);

    this.addSql(`drop table if exists "survey_response" cascade;`);
  }
}
