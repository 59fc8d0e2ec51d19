import { Migration } from '@mikro-orm/migrations';

export class Migration20261130053756 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "facilitator_link" ("id" serial primary key, "session_id" int not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "facilitator_link" add constraint "facilitator_link_session_unique" unique ("session_id");`,
    );
    this.addSql(
      `alter table "facilitator_link" add constraint "facilitator_link_token_hash_unique" unique ("token_hash");`,
    );

    this.addSql(
      `create table "group_synthesis" ("id" serial primary key, "session_id" int not null, "text" text not null, "updated_at" timestamptz not null, "updated_by" varchar(254) not null);`,
    );
    this.addSql(`alter table "group_synthesis" add constraint "group_synthesis_session_unique" unique ("session_id");`);

    this.addSql(
      `create table "material" ("id" serial primary key, "event_id" int not null, "session_id" int null, "name" varchar(200) not null, "stored_name" varchar(64) not null, "content_type" varchar(120) not null, "size" int not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`alter table "material" add constraint "material_stored_name_unique" unique ("stored_name");`);

    this.addSql(
      `alter table "facilitator_link" add constraint "facilitator_link_session_id_foreign" foreign key ("session_id") references "event_session" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "group_synthesis" add constraint "group_synthesis_session_id_foreign" foreign key ("session_id") references "event_session" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "material" add constraint "material_event_id_foreign" foreign key ("event_id") references "event" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "material" add constraint "material_session_id_foreign" foreign key ("session_id") references "event_session" ("id") on update cascade on delete set null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "facilitator_link" cascade;`);

    this.addSql(`drop table if exists "group_synthesis" cascade;`);

    this.addSql(`drop table if exists "material" cascade;`);
  }
}
