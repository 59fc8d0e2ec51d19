import { Migration } from '@mikro-orm/migrations';

export class Migration20261129095607 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "erasure_log" ("id" serial primary key, "event_id" int not null, "registration_id" int not null, "organiser_id" int null, "via" varchar(16) not null, "erased_at" timestamptz not null);`,
    );
    this.addSql(`create index "erasure_log_event_id_index" on "erasure_log" ("event_id");`);

    this.addSql(
      `create table "job_run" ("id" serial primary key, "name" varchar(64) not null, "period_key" varchar(32) not null, "instance" varchar(200) not null, "started_at" timestamptz not null, "finished_at" timestamptz null, "outcome" text null, "failed" boolean not null default false);`,
    );
    this.addSql(`alter table "job_run" add constraint "job_run_name_period_unique" unique ("name", "period_key");`);

    this.addSql(
      `create table "login_failure" ("id" serial primary key, "email_key" varchar(254) not null, "ip" varchar(64) not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "login_failure_email_index" on "login_failure" ("email_key", "created_at");`);
    this.addSql(`create index "login_failure_ip_index" on "login_failure" ("ip", "created_at");`);

    this.addSql(
      `create table "event_member" ("id" serial primary key, "event_id" int not null, "organiser_id" int not null, "role" varchar(16) not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "event_member_organiser_index" on "event_member" ("organiser_id");`);
    this.addSql(
      `alter table "event_member" add constraint "event_member_event_organiser_unique" unique ("event_id", "organiser_id");`,
    );

    this.addSql(
      `create table "audit_entry" ("id" serial primary key, "event_id" int not null, "organiser_id" int null, "action" varchar(16) not null, "route" varchar(200) not null, "registration_id" int null, "via" varchar(8) not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "audit_entry_event_listing_index" on "audit_entry" ("event_id", "id");`);

    this.addSql(
      `create table "password_reset" ("id" serial primary key, "organiser_id" int not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "password_reset" add constraint "password_reset_token_hash_unique" unique ("token_hash");`,
    );

    this.addSql(
      `create table "idempotency_record" ("id" serial primary key, "scope" varchar(100) not null, "key" varchar(200) not null, "request_hash" varchar(64) not null, "registration_id" int not null, "status" int not null, "body" jsonb null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "idempotency_record_created_at_index" on "idempotency_record" ("created_at");`);
    this.addSql(
      `alter table "idempotency_record" add constraint "idempotency_record_scope_key_unique" unique ("scope", "key");`,
    );

    this.addSql(
      `alter table "event_member" add constraint "event_member_event_id_foreign" foreign key ("event_id") references "event" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "event_member" add constraint "event_member_organiser_id_foreign" foreign key ("organiser_id") references "organiser" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "audit_entry" add constraint "audit_entry_event_id_foreign" foreign key ("event_id") references "event" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "audit_entry" add constraint "audit_entry_organiser_id_foreign" foreign key ("organiser_id") references "organiser" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "password_reset" add constraint "password_reset_organiser_id_foreign" foreign key ("organiser_id") references "organiser" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "idempotency_record" add constraint "idempotency_record_registration_id_foreign" foreign key ("registration_id") references "registration" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(`alter table "event" add column "retention_months" int not null default 12;`);

    this.addSql(`alter table "organiser" add column "password_changed_at" timestamptz null;`);

    this.addSql(`alter table "registration" add column "anonymised_at" timestamptz null;`);

    // Events made before teams existed: every organiser keeps the access they had, as an owner.
    this.addSql(
      `insert into "event_member" ("event_id", "organiser_id", "role", "created_at") select e."id", o."id", 'owner', now() from "event" e cross join "organiser" o;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "erasure_log" cascade;`);

    this.addSql(`drop table if exists "job_run" cascade;`);

    this.addSql(`drop table if exists "login_failure" cascade;`);

    this.addSql(`drop table if exists "event_member" cascade;`);

    this.addSql(`drop table if exists "audit_entry" cascade;`);

    this.addSql(`drop table if exists "password_reset" cascade;`);

    this.addSql(`drop table if exists "idempotency_record" cascade;`);

    this.addSql(`alter table "event" drop column "retention_months";`);

    this.addSql(`alter table "organiser" drop column "password_changed_at";`);

    this.addSql(`alter table "registration" drop column "anonymised_at";`);
  }
}
