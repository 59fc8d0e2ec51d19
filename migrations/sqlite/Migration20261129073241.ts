import { Migration } from '@mikro-orm/migrations';

export class Migration20261129073241 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`event\` (\`id\` integer not null primary key autoincrement, \`slug\` text not null, \`title\` text not null, \`description\` text not null default '', \`venue\` text not null default '', \`address\` text not null default '', \`timezone\` text not null default 'Europe/Paris', \`starts_at\` datetime not null, \`ends_at\` datetime not null, \`capacity\` integer null, \`confirmed_count\` integer not null default 0, \`status\` text not null default 'draft', \`registration_opens_at\` datetime null, \`registration_closes_at\` datetime null, \`structure_types\` json not null, \`organiser_name\` text not null default '', \`reply_to\` text not null default '', \`series\` text null, \`sequence\` integer not null default 0, \`assignments_published_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );
    this.addSql(`create unique index \`event_slug_unique\` on \`event\` (\`slug\`);`);
    this.addSql(`create index \`event_status_index\` on \`event\` (\`status\`);`);
    this.addSql(`create index \`event_series_index\` on \`event\` (\`series\`);`);

    this.addSql(
      `create table \`event_session\` (\`id\` integer not null primary key autoincrement, \`event_id\` integer not null, \`kind\` text not null, \`title\` text not null, \`topic\` text not null default '', \`facilitator\` text not null default '', \`room\` text not null default '', \`starts_at\` datetime not null, \`ends_at\` datetime not null, \`capacity\` integer null, \`position\` integer not null default 0, constraint \`event_session_event_id_foreign\` foreign key(\`event_id\`) references \`event\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`event_session_event_id_index\` on \`event_session\` (\`event_id\`);`);

    this.addSql(
      `create table \`organiser\` (\`id\` integer not null primary key autoincrement, \`email\` text not null, \`name\` text not null, \`password_hash\` text not null, \`created_at\` datetime not null);`,
    );
    this.addSql(`create unique index \`organiser_email_unique\` on \`organiser\` (\`email\`);`);

    this.addSql(
      `create table \`api_token\` (\`id\` integer not null primary key autoincrement, \`organiser_id\` integer not null, \`token_hash\` text not null, \`label\` text not null, \`created_at\` datetime not null, \`revoked_at\` datetime null, constraint \`api_token_organiser_id_foreign\` foreign key(\`organiser_id\`) references \`organiser\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`api_token_organiser_id_index\` on \`api_token\` (\`organiser_id\`);`);
    this.addSql(`create unique index \`api_token_token_hash_unique\` on \`api_token\` (\`token_hash\`);`);

    this.addSql(
      `create table \`registration\` (\`id\` integer not null primary key autoincrement, \`event_id\` integer not null, \`token\` text not null, \`first_name\` text not null, \`last_name\` text not null, \`email\` text not null, \`email_key\` text not null, \`organisation\` text not null, \`structure_type\` text not null, \`status\` text not null, \`answers\` json not null, \`group_id\` integer null, \`group_locked\` integer not null default false, \`locale\` text not null default 'fr', \`checked_in_at\` datetime null, \`consent_at\` datetime not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`registration_event_id_foreign\` foreign key(\`event_id\`) references \`event\`(\`id\`) on delete cascade on update cascade, constraint \`registration_group_id_foreign\` foreign key(\`group_id\`) references \`event_session\`(\`id\`) on delete set null on update cascade);`,
    );
    this.addSql(`create index \`registration_event_id_index\` on \`registration\` (\`event_id\`);`);
    this.addSql(`create unique index \`registration_token_unique\` on \`registration\` (\`token\`);`);
    this.addSql(`create index \`registration_group_id_index\` on \`registration\` (\`group_id\`);`);
    this.addSql(`create index \`registration_event_id_status_index\` on \`registration\` (\`event_id\`, \`status\`);`);
    this.addSql(
      `create index \`registration_report_index\` on \`registration\` (\`event_id\`, \`status\`, \`structure_type\`, \`group_id\`, \`checked_in_at\`);`,
    );
    this.addSql(`create index \`registration_event_id_id_index\` on \`registration\` (\`event_id\`, \`id\`);`);
    this.addSql(
      `create unique index \`registration_event_email_unique\` on \`registration\` (\`event_id\`, \`email_key\`);`,
    );

    this.addSql(
      `create table \`outbox_message\` (\`id\` integer not null primary key autoincrement, \`event_id\` integer not null, \`registration_id\` integer null, \`kind\` text not null, \`dedupe_key\` text not null, \`recipient\` text not null, \`recipient_name\` text not null default '', \`locale\` text not null default 'fr', \`from_name\` text not null, \`from_address\` text not null, \`reply_to\` text null, \`subject\` text not null, \`text\` text not null, \`html\` text not null, \`ics\` text null, \`ics_method\` text null, \`status\` text not null default 'pending', \`attempts\` integer not null default 0, \`next_attempt_at\` datetime not null, \`claimed_until\` datetime null, \`claim_token\` text null, \`last_error\` text null, \`sent_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`outbox_message_event_id_foreign\` foreign key(\`event_id\`) references \`event\`(\`id\`) on delete cascade on update cascade, constraint \`outbox_message_registration_id_foreign\` foreign key(\`registration_id\`) references \`registration\`(\`id\`) on delete set null on update cascade);`,
    );
    this.addSql(`create index \`outbox_message_event_id_index\` on \`outbox_message\` (\`event_id\`);`);
    this.addSql(`create index \`outbox_message_registration_id_index\` on \`outbox_message\` (\`registration_id\`);`);
    this.addSql(`create unique index \`outbox_message_dedupe_key_unique\` on \`outbox_message\` (\`dedupe_key\`);`);
    this.addSql(`create index \`outbox_message_due_index\` on \`outbox_message\` (\`status\`, \`next_attempt_at\`);`);
    this.addSql(`create index \`outbox_message_event_listing_index\` on \`outbox_message\` (\`event_id\`, \`id\`);`);

    this.addSql(
      `create table \`registration_form\` (\`id\` integer not null primary key autoincrement, \`event_id\` integer not null, \`definition\` json not null, \`retired_keys\` json not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`registration_form_event_id_foreign\` foreign key(\`event_id\`) references \`event\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`registration_form_event_id_index\` on \`registration_form\` (\`event_id\`);`);
    this.addSql(`create unique index \`registration_form_event_unique\` on \`registration_form\` (\`event_id\`);`);
  }
}
