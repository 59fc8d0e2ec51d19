import { Migration } from '@mikro-orm/migrations';

export class Migration20261130055615 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`survey_form\` (\`id\` integer not null primary key autoincrement, \`event_id\` integer not null, \`definition\` json not null, \`retired_keys\` json not null, \`anonymous\` integer not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`survey_form_event_id_foreign\` foreign key(\`event_id\`) references \`event\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`survey_form_event_id_index\` on \`survey_form\` (\`event_id\`);`);
    this.addSql(`create unique index \`survey_form_event_unique\` on \`survey_form\` (\`event_id\`);`);

    this.addSql(
      `create table \`survey_invitation\` (\`id\` integer not null primary key autoincrement, \`event_id\` integer not null, \`registration_id\` integer not null, \`sent_at\` datetime not null, \`answered\` integer not null default false, constraint \`survey_invitation_event_id_foreign\` foreign key(\`event_id\`) references \`event\`(\`id\`) on delete cascade on update cascade, constraint \`survey_invitation_registration_id_foreign\` foreign key(\`registration_id\`) references \`registration\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`survey_invitation_event_id_index\` on \`survey_invitation\` (\`event_id\`);`);
    this.addSql(
      `create index \`survey_invitation_registration_id_index\` on \`survey_invitation\` (\`registration_id\`);`,
    );
    this.addSql(
      `create unique index \`survey_invitation_registration_unique\` on \`survey_invitation\` (\`registration_id\`);`,
    );

    // Without rowid: the rows are kept in the order of their random ids, not in the order answers came in.
    this.addSql(
      `create table \`survey_response\` (\`id\` text not null, \`event_id\` integer not null, \`registration_id\` integer null, \`answers\` json not null, \`answered_on\` text not null, constraint \`survey_response_event_id_foreign\` foreign key(\`event_id\`) references \`event\`(\`id\`) on delete cascade on update cascade, constraint \`survey_response_registration_id_foreign\` foreign key(\`registration_id\`) references \`registration\`(\`id\`) on delete set null on update cascade, primary key (\`id\`)) without rowid;`,
    );
    this.addSql(`create index \`survey_response_event_id_index\` on \`survey_response\` (\`event_id\`);`);
    this.addSql(`create index \`survey_response_registration_id_index\` on \`survey_response\` (\`registration_id\`);`);
  }
}
