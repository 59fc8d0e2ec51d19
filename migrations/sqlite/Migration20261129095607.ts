import { Migration } from '@mikro-orm/migrations';

export class Migration20261129095607 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`erasure_log\` (\`id\` integer not null primary key autoincrement, \`event_id\` integer not null, \`registration_id\` integer not null, \`organiser_id\` integer null, \`via\` text not null, \`erased_at\` datetime not null);`,
    );
    this.addSql(`create index \`erasure_log_event_id_index\` on \`erasure_log\` (\`event_id\`);`);

    this.addSql(
      `create table \`job_run\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`period_key\` text not null, \`instance\` text not null, \`started_at\` datetime not null, \`finished_at\` datetime null, \`outcome\` text null, \`failed\` integer not null default false);`,
    );
    this.addSql(`create unique index \`job_run_name_period_unique\` on \`job_run\` (\`name\`, \`period_key\`);`);

    this.addSql(
      `create table \`login_failure\` (\`id\` integer not null primary key autoincrement, \`email_key\` text not null, \`ip\` text not null, \`created_at\` datetime not null);`,
    );
    this.addSql(`create index \`login_failure_email_index\` on \`login_failure\` (\`email_key\`, \`created_at\`);`);
    this.addSql(`create index \`login_failure_ip_index\` on \`login_failure\` (\`ip\`, \`created_at\`);`);

    this.addSql(
      `create table \`event_member\` (\`id\` integer not null primary key autoincrement, \`event_id\` integer not null, \`organiser_id\` integer not null, \`role\` text not null, \`created_at\` datetime not null, constraint \`event_member_event_id_foreign\` foreign key(\`event_id\`) references \`event\`(\`id\`) on delete cascade on update cascade, constraint \`event_member_organiser_id_foreign\` foreign key(\`organiser_id\`) references \`organiser\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`event_member_event_id_index\` on \`event_member\` (\`event_id\`);`);
    this.addSql(`create index \`event_member_organiser_index\` on \`event_member\` (\`organiser_id\`);`);
    this.addSql(
      `create unique index \`event_member_event_organiser_unique\` on \`event_member\` (\`event_id\`, \`organiser_id\`);`,
    );

    this.addSql(
      `create table \`audit_entry\` (\`id\` integer not null primary key autoincrement, \`event_id\` integer not null, \`organiser_id\` integer null, \`action\` text not null, \`route\` text not null, \`registration_id\` integer null, \`via\` text not null, \`created_at\` datetime not null, constraint \`audit_entry_event_id_foreign\` foreign key(\`event_id\`) references \`event\`(\`id\`) on delete cascade on update cascade, constraint \`audit_entry_organiser_id_foreign\` foreign key(\`organiser_id\`) references \`organiser\`(\`id\`) on delete set null on update cascade);`,
    );
    this.addSql(`create index \`audit_entry_event_id_index\` on \`audit_entry\` (\`event_id\`);`);
    this.addSql(`create index \`audit_entry_organiser_id_index\` on \`audit_entry\` (\`organiser_id\`);`);
    this.addSql(`create index \`audit_entry_event_listing_index\` on \`audit_entry\` (\`event_id\`, \`id\`);`);

    this.addSql(
      `create table \`password_reset\` (\`id\` integer not null primary key autoincrement, \`organiser_id\` integer not null, \`token_hash\` text not null, \`expires_at\` datetime not null, \`used_at\` datetime null, \`created_at\` datetime not null, constraint \`password_reset_organiser_id_foreign\` foreign key(\`organiser_id\`) references \`organiser\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`password_reset_organiser_id_index\` on \`password_reset\` (\`organiser_id\`);`);
    this.addSql(`create unique index \`password_reset_token_hash_unique\` on \`password_reset\` (\`token_hash\`);`);

    this.addSql(
      `create table \`idempotency_record\` (\`id\` integer not null primary key autoincrement, \`scope\` text not null, \`key\` text not null, \`request_hash\` text not null, \`registration_id\` integer not null, \`status\` integer not null, \`body\` json null, \`created_at\` datetime not null, constraint \`idempotency_record_registration_id_foreign\` foreign key(\`registration_id\`) references \`registration\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(
      `create index \`idempotency_record_registration_id_index\` on \`idempotency_record\` (\`registration_id\`);`,
    );
    this.addSql(`create index \`idempotency_record_created_at_index\` on \`idempotency_record\` (\`created_at\`);`);
    this.addSql(
      `create unique index \`idempotency_record_scope_key_unique\` on \`idempotency_record\` (\`scope\`, \`key\`);`,
    );

    this.addSql(`alter table \`event\` add column \`retention_months\` integer not null default 12;`);

    this.addSql(`alter table \`organiser\` add column \`password_changed_at\` datetime null;`);

    this.addSql(`alter table \`registration\` add column \`anonymised_at\` datetime null;`);

    // Events made before teams existed: every organiser keeps the access they had, as an owner.
    this.addSql(
      `insert into \`event_member\` (\`event_id\`, \`organiser_id\`, \`role\`, \`created_at\`) select e.\`id\`, o.\`id\`, 'owner', cast(strftime('%s', 'now') as integer) * 1000 from \`event\` e cross join \`organiser\` o;`,
    );
  }
}
