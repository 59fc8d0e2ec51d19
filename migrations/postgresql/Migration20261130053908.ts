import { Migration } from '@mikro-orm/migrations';
import { backfillStructures } from '../../src/structures/backfill.js';

export class Migration20261130053908 extends Migration {
  override async up(): Promise<void> {
    await this.execute(
      `create table "structure" ("id" serial primary key, "name" varchar(200) not null, "normalized_key" varchar(255) not null, "structure_type" varchar(64) null, "side" varchar(64) null, "commune_code" varchar(5) null, "siret" varchar(14) null, "website" varchar(300) null, "public_contact" varchar(300) null, "missions" text null, "directory_consent" boolean not null default false, "directory_validated_at" timestamptz null, "merged_into_id" int null, "merged_registration_ids" jsonb null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    await this.execute(`create index "structure_normalized_key_index" on "structure" ("normalized_key");`);

    await this.execute(
      `alter table "structure" add constraint "structure_merged_into_id_foreign" foreign key ("merged_into_id") references "structure" ("id") on update cascade on delete set null;`,
    );

    await this.execute(
      `alter table "registration" add column "structure_id" int null, add column "directory_consent" boolean not null default false;`,
    );
    await this.execute(
      `alter table "registration" add constraint "registration_structure_id_foreign" foreign key ("structure_id") references "structure" ("id") on update cascade on delete set null;`,
    );
    await this.execute(`create index "registration_structure_index" on "registration" ("structure_id");`);

    // Existing registrations get their structures in the same transaction (src/structures/backfill.ts): the
    // DDL above runs at once (execute, not addSql) so that the new table and column are there to fill.
    await backfillStructures((sql, params) => this.execute(sql, params), new Date());
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "structure" drop constraint "structure_merged_into_id_foreign";`);

    this.addSql(`alter table "registration" drop constraint "registration_structure_id_foreign";`);

    this.addSql(`drop table if exists "structure" cascade;`);

    this.addSql(`drop index "registration_structure_index";`);
    this.addSql(`alter table "registration" drop column "structure_id", drop column "directory_consent";`);
  }
}
