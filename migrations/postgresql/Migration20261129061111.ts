import { Migration } from '@mikro-orm/migrations';

export class Migration20261129061111 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "event" ("id" serial primary key, "slug" varchar(80) not null, "title" varchar(200) not null, "description" text not null default '', "venue" varchar(200) not null default '', "address" varchar(400) not null default '', "timezone" varchar(64) not null default 'Europe/Paris', "starts_at" timestamptz not null, "ends_at" timestamptz not null, "capacity" int null, "confirmed_count" int not null default 0, "status" varchar(16) not null default 'draft', "registration_opens_at" timestamptz null, "registration_closes_at" timestamptz null, "structure_types" jsonb not null, "sequence" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "event" add constraint "event_slug_unique" unique ("slug");`);
    this.addSql(`create index "event_status_index" on "event" ("status");`);

    this.addSql(`create table "event_session" ("id" serial primary key, "event_id" int not null, "kind" varchar(16) not null, "title" varchar(200) not null, "topic" text not null default '', "facilitator" varchar(200) not null default '', "room" varchar(200) not null default '', "starts_at" timestamptz not null, "ends_at" timestamptz not null, "capacity" int null, "position" int not null default 0);`);

    this.addSql(`create table "organiser" ("id" serial primary key, "email" varchar(254) not null, "name" varchar(200) not null, "password_hash" varchar(300) not null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "organiser" add constraint "organiser_email_unique" unique ("email");`);

    this.addSql(`create table "api_token" ("id" serial primary key, "organiser_id" int not null, "token_hash" varchar(64) not null, "label" varchar(200) not null, "created_at" timestamptz not null, "revoked_at" timestamptz null);`);
    this.addSql(`alter table "api_token" add constraint "api_token_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "registration" ("id" serial primary key, "event_id" int not null, "token" varchar(64) not null, "first_name" varchar(100) not null, "last_name" varchar(100) not null, "email" varchar(254) not null, "email_key" varchar(254) not null, "organisation" varchar(200) not null, "structure_type" varchar(64) not null, "status" varchar(16) not null, "answers" jsonb not null, "group_id" int null, "locale" varchar(8) not null default 'fr', "consent_at" timestamptz not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "registration" add constraint "registration_token_unique" unique ("token");`);
    this.addSql(`create index "registration_event_id_status_index" on "registration" ("event_id", "status");`);
    this.addSql(`alter table "registration" add constraint "registration_event_email_unique" unique ("event_id", "email_key");`);

    this.addSql(`alter table "event_session" add constraint "event_session_event_id_foreign" foreign key ("event_id") references "event" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "api_token" add constraint "api_token_organiser_id_foreign" foreign key ("organiser_id") references "organiser" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "registration" add constraint "registration_event_id_foreign" foreign key ("event_id") references "event" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "registration" add constraint "registration_group_id_foreign" foreign key ("group_id") references "event_session" ("id") on update cascade on delete set null;`);
  }

}
