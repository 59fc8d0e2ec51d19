import { type InferEntity, defineEntity, p } from '@mikro-orm/core';
import { Event, EventSession } from '../events/event.entity.js';

/**
 * A file organisers attach to an event or to one of its sessions (slides, a PDF, a photo). The bytes
 * are under DATA_DIR/files/<storedName> (a random name, never the uploader's); `name` is only shown.
 */
export const Material = defineEntity({
  name: 'Material',
  tableName: 'material',
  properties: {
    id: p.integer().primary().autoincrement(),
    event: () => p.manyToOne(Event).deleteRule('cascade'),
    /** The session it belongs to; null: the whole event. */
    session: () => p.manyToOne(EventSession).nullable().deleteRule('set null'),
    name: p.string().length(200),
    storedName: p.string().length(64).unique('material_stored_name_unique'),
    /** The type read from the content (src/materials/file-type.ts), sent back as Content-Type. */
    contentType: p.string().length(120),
    size: p.integer(),
    createdAt: p.datetime(),
  },
});

export type Material = InferEntity<typeof Material>;
