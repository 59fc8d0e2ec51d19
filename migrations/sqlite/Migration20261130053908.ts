import { Migration } from '@mikro-orm/migrations';
import { backfillStructures } from '../../src/structures/backfill.js';

export class Migration20261130053908 extends Migration {
  override async up(): Promise<void> {
    await this.execute(
      `create table \`structure\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`normalized_key\` text not null, \`structure_type\` text null, \`side\` text null, \`commune_code\` text null, \`siret\` text null, \`website\` text null, \`public_contact\` text null, \`missions\` text null, \`directory_consent\` integer not null default false, \`directory_validated_at\` datetime null, \`merged_into_id\` integer null, \`merged_registration_ids\` json null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`structure_merged_into_id_foreign\` foreign key(\`merged_into_id\`) references \`structure\`(\`id\`) on delete set null on update cascade);`,
    );
    await this.execute(`create index \`structure_normalized_key_index\` on \`structure\` (\`normalized_key\`);`);
    await this.execute(`create index \`structure_merged_into_id_index\` on \`structure\` (\`merged_into_id\`);`);

    await this.execute(
      `alter table \`registration\` add column \`structure_id\` integer null constraint \`registration_structure_id_foreign\` references \`structure\` (\`id\`) on update cascade on delete set null;`,
    );
    await this.execute(`alter table \`registration\` add column \`directory_consent\` integer not null default false;`);
    await this.execute(`create index \`registration_structure_index\` on \`registration\` (\`structure_id\`);`);

    // Existing registrations get their structures in the same transaction (src/structures/backfill.ts): the
    // DDL above runs at once (execute, not addSql) so that the new table and column are there to fill.
    await backfillStructures((sql, params) => this.execute(sql, params), Date.now());
  }
}
