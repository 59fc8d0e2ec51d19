import { Migration } from '@mikro-orm/migrations';

export class Migration20261130053800 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "invitation" ("id" serial primary key, "event_id" int not null, "token" varchar(64) not null, "email" varchar(254) not null, "email_key" varchar(254) not null, "locale" varchar(8) not null default 'fr', "sent_count" int not null default 0, "last_sent_at" timestamptz null, "revoked_at" timestamptz null, "invited_by" varchar(200) not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`alter table "invitation" add constraint "invitation_token_unique" unique ("token");`);
    this.addSql(
      `alter table "invitation" add constraint "invitation_event_email_unique" unique ("event_id", "email_key");`,
    );

    this.addSql(
      `create table "attendance" ("id" serial primary key, "registration_id" int not null, "session_id" int not null, "state" varchar(16) not null, "updated_at" timestamptz not null, "updated_by" varchar(200) not null);`,
    );
    this.addSql(`create index "attendance_session_id_index" on "attendance" ("session_id");`);
    this.addSql(
      `alter table "attendance" add constraint "attendance_registration_session_unique" unique ("registration_id", "session_id");`,
    );

    this.addSql(
      `alter table "invitation" add constraint "invitation_event_id_foreign" foreign key ("event_id") references "event" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "attendance" add constraint "attendance_registration_id_foreign" foreign key ("registration_id") references "registration" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "attendance" add constraint "attendance_session_id_foreign" foreign key ("session_id") references "event_session" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(`alter table "event" add column "registration_mode" varchar(16) not null default 'open';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "invitation" cascade;`);

    this.addSql(`drop table if exists "attendance" cascade;`);

    this.addSql(`alter table "event" drop column "registration_mode";`);
  }
}
