import { Migration } from '@mikro-orm/migrations';

export class Migration20261130053759 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`invitation\` (\`id\` integer not null primary key autoincrement, \`event_id\` integer not null, \`token\` text not null, \`email\` text not null, \`email_key\` text not null, \`locale\` text not null default 'fr', \`sent_count\` integer not null default 0, \`last_sent_at\` datetime null, \`revoked_at\` datetime null, \`invited_by\` text not null, \`created_at\` datetime not null, constraint \`invitation_event_id_foreign\` foreign key(\`event_id\`) references \`event\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`invitation_event_id_index\` on \`invitation\` (\`event_id\`);`);
    this.addSql(`create unique index \`invitation_token_unique\` on \`invitation\` (\`token\`);`);
    this.addSql(
      `create unique index \`invitation_event_email_unique\` on \`invitation\` (\`event_id\`, \`email_key\`);`,
    );

    this.addSql(
      `create table \`attendance\` (\`id\` integer not null primary key autoincrement, \`registration_id\` integer not null, \`session_id\` integer not null, \`state\` text not null, \`updated_at\` datetime not null, \`updated_by\` text not null, constraint \`attendance_registration_id_foreign\` foreign key(\`registration_id\`) references \`registration\`(\`id\`) on delete cascade on update cascade, constraint \`attendance_session_id_foreign\` foreign key(\`session_id\`) references \`event_session\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`attendance_registration_id_index\` on \`attendance\` (\`registration_id\`);`);
    this.addSql(`create index \`attendance_session_id_index\` on \`attendance\` (\`session_id\`);`);
    this.addSql(
      `create unique index \`attendance_registration_session_unique\` on \`attendance\` (\`registration_id\`, \`session_id\`);`,
    );

    this.addSql(`alter table \`event\` add column \`registration_mode\` text not null default 'open';`);
  }
}
