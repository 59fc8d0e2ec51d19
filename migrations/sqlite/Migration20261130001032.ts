import { Migration } from '@mikro-orm/migrations';

export class Migration20261130001032 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(
      `create table \`outbox_message__temp_alter\` (\`id\` integer not null primary key autoincrement, \`event_id\` integer null, \`registration_id\` integer null, \`kind\` text not null, \`dedupe_key\` text not null, \`recipient\` text not null, \`recipient_name\` text not null default '', \`locale\` text not null default 'fr', \`from_name\` text not null, \`from_address\` text not null, \`reply_to\` text null, \`subject\` text not null, \`text\` text not null, \`html\` text not null, \`ics\` text null, \`ics_method\` text null, \`status\` text not null default 'pending', \`attempts\` integer not null default 0, \`next_attempt_at\` datetime not null, \`claimed_until\` datetime null, \`claim_token\` text null, \`last_error\` text null, \`sent_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`outbox_message_event_id_foreign\` foreign key(\`event_id\`) references \`event\`(\`id\`) on delete cascade on update cascade, constraint \`outbox_message_registration_id_foreign\` foreign key(\`registration_id\`) references \`registration\`(\`id\`) on delete set null on update cascade);`,
    );
    this.addSql(
      `insert into \`outbox_message__temp_alter\` select \`id\`, \`event_id\`, \`registration_id\`, \`kind\`, \`dedupe_key\`, \`recipient\`, \`recipient_name\`, \`locale\`, \`from_name\`, \`from_address\`, \`reply_to\`, \`subject\`, \`text\`, \`html\`, \`ics\`, \`ics_method\`, \`status\`, \`attempts\`, \`next_attempt_at\`, \`claimed_until\`, \`claim_token\`, \`last_error\`, \`sent_at\`, \`created_at\`, \`updated_at\` from \`outbox_message\`;`,
    );
    this.addSql(`drop table \`outbox_message\`;`);
    this.addSql(`alter table \`outbox_message__temp_alter\` rename to \`outbox_message\`;`);
    this.addSql(`create index \`outbox_message_event_id_index\` on \`outbox_message\` (\`event_id\`);`);
    this.addSql(`create index \`outbox_message_registration_id_index\` on \`outbox_message\` (\`registration_id\`);`);
    this.addSql(`create unique index \`outbox_message_dedupe_key_unique\` on \`outbox_message\` (\`dedupe_key\`);`);
    this.addSql(`create index \`outbox_message_due_index\` on \`outbox_message\` (\`status\`, \`next_attempt_at\`);`);
    this.addSql(`create index \`outbox_message_event_listing_index\` on \`outbox_message\` (\`event_id\`, \`id\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }
}
