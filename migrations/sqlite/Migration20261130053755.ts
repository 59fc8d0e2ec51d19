import { Migration } from '@mikro-orm/migrations';

export class Migration20261130053755 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`facilitator_link\` (\`id\` integer not null primary key autoincrement, \`session_id\` integer not null, \`token_hash\` text not null, \`created_at\` datetime not null, constraint \`facilitator_link_session_id_foreign\` foreign key(\`session_id\`) references \`event_session\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`facilitator_link_session_id_index\` on \`facilitator_link\` (\`session_id\`);`);
    this.addSql(`create unique index \`facilitator_link_session_unique\` on \`facilitator_link\` (\`session_id\`);`);
    this.addSql(`create unique index \`facilitator_link_token_hash_unique\` on \`facilitator_link\` (\`token_hash\`);`);

    this.addSql(
      `create table \`group_synthesis\` (\`id\` integer not null primary key autoincrement, \`session_id\` integer not null, \`text\` text not null, \`updated_at\` datetime not null, \`updated_by\` text not null, constraint \`group_synthesis_session_id_foreign\` foreign key(\`session_id\`) references \`event_session\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`group_synthesis_session_id_index\` on \`group_synthesis\` (\`session_id\`);`);
    this.addSql(`create unique index \`group_synthesis_session_unique\` on \`group_synthesis\` (\`session_id\`);`);

    this.addSql(
      `create table \`material\` (\`id\` integer not null primary key autoincrement, \`event_id\` integer not null, \`session_id\` integer null, \`name\` text not null, \`stored_name\` text not null, \`content_type\` text not null, \`size\` integer not null, \`created_at\` datetime not null, constraint \`material_event_id_foreign\` foreign key(\`event_id\`) references \`event\`(\`id\`) on delete cascade on update cascade, constraint \`material_session_id_foreign\` foreign key(\`session_id\`) references \`event_session\`(\`id\`) on delete set null on update cascade);`,
    );
    this.addSql(`create index \`material_event_id_index\` on \`material\` (\`event_id\`);`);
    this.addSql(`create index \`material_session_id_index\` on \`material\` (\`session_id\`);`);
    this.addSql(`create unique index \`material_stored_name_unique\` on \`material\` (\`stored_name\`);`);
  }
}
