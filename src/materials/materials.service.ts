import type { EntityManager } from '@mikro-orm/core';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Event } from '../events/event.entity.js';
import { ValidationError, notFound } from '../errors.js';
import { type Locale, formatNumber } from '../i18n/i18n.js';
import { describer, mailLocale, renderMail } from '../mail/mail.render.js';
import { OutboxMessage } from '../mail/outbox.entity.js';
import { footer } from '../mail/notifications.js';
import { type MailSettings, type NewMail, enqueue } from '../mail/outbox.service.js';
import { Registration } from '../registrations/registration.entity.js';
import { hasControlCharacters } from '../shared/text.js';
import { FILE_TYPES, detectFileType, extensionOf } from './file-type.js';
import { Material } from './material.entity.js';

/**
 * Materials: files organisers attach to an event or one of its sessions (slides, PDF, images), kept
 * under DATA_DIR/files with random names, shown on the attendees' private pages and sent by email
 * as links (never as attachments).
 */

/** Where the files are: DATA_DIR/files. */
export const filesDir = (dataDir: string) => join(dataDir, 'files');

/** The file name as shown: no folder, no control character, at most 200 characters. */
export function displayName(raw: string): string {
  const base = raw.slice(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
  const clean = [...base]
    .filter((c) => !hasControlCharacters(c, false))
    .join('')
    .trim();
  if (clean.length <= 200) return clean;
  const ext = extensionOf(clean);
  // Cut between characters, never inside one (an emoji is two UTF-16 units: half of one is stored as "�").
  const keep = (text: string, max: number) => {
    let out = '';
    for (const c of text) {
      if (out.length + c.length > max) break;
      out += c;
    }
    return out;
  };
  return ext ? `${keep(clean, 199 - ext.length)}.${ext}` : keep(clean, 200);
}

const ACCEPTED = Object.values(FILE_TYPES).flatMap((type) => type.extensions);

/** The checks of an upload, by content: refused with a message naming the problem. */
export function checkUpload(name: string, data: Buffer) {
  const field = 'file';
  if (!name || data.length === 0) throw new ValidationError([{ field, code: 'file_missing' }]);
  const ext = extensionOf(name);
  const type = detectFileType(data);
  if (!type)
    throw new ValidationError([
      { field, code: 'file_type_unsupported', params: { name, accepted: ACCEPTED.map((e) => `.${e}`).join(', ') } },
    ]);
  if (!type.extensions.includes(ext))
    throw new ValidationError([
      {
        field,
        code: 'file_extension_mismatch',
        params: { name, ext: ext ? `.${ext}` : '—', actual: `.${type.extensions[0]}` },
      },
    ]);
  return type;
}

/** Stores an uploaded file and its row; a file whose row could not be saved is removed again. */
export async function addMaterial(
  em: EntityManager,
  event: Event,
  upload: { name: string; data: Buffer; sessionId: number | null },
  dataDir: string,
): Promise<Material> {
  const name = displayName(upload.name);
  const type = checkUpload(name, upload.data);
  const session =
    upload.sessionId === null ? null : (event.sessions.getItems().find((s) => s.id === upload.sessionId) ?? null);
  if (upload.sessionId !== null && !session) throw new ValidationError([{ field: 'session', code: 'group_unknown' }]);
  const storedName = randomBytes(16).toString('hex');
  mkdirSync(filesDir(dataDir), { recursive: true });
  const path = join(filesDir(dataDir), storedName);
  writeFileSync(path, upload.data, { flag: 'wx', mode: 0o600 });
  try {
    const material = em.create(Material, {
      event,
      session,
      name,
      storedName,
      contentType: type.contentType,
      size: upload.data.length,
      createdAt: new Date(),
    });
    await em.flush();
    return material;
  } catch (error) {
    rmSync(path, { force: true });
    throw error;
  }
}

export async function listMaterials(em: EntityManager, event: Event): Promise<Material[]> {
  return em.find(Material, { event: event.id }, { populate: ['session'], orderBy: { id: 'asc' } });
}

/** What a registration's private page offers: the event's materials, to confirmed attendees only. */
export async function materialsFor(em: EntityManager, registration: Registration): Promise<Material[]> {
  if (registration.status !== 'confirmed') return [];
  return listMaterials(em, registration.event);
}

/** One material through an attendee's private link: a 404 unless they are confirmed for its event. */
export async function materialFor(em: EntityManager, registration: Registration, id: number): Promise<Material> {
  if (registration.status !== 'confirmed') throw notFound();
  return findMaterial(em, registration.event, id);
}

export async function findMaterial(em: EntityManager, event: Event, id: number): Promise<Material> {
  const material = Number.isSafeInteger(id) ? await em.findOne(Material, { id, event: event.id }) : null;
  if (!material) throw notFound();
  return material;
}

/** Deletes the material and its file. */
export async function deleteMaterial(em: EntityManager, event: Event, id: number, dataDir: string): Promise<void> {
  const material = await findMaterial(em, event, id);
  await em.removeAndFlush(material);
  rmSync(join(filesDir(dataDir), material.storedName), { force: true });
}

/** `Content-Disposition: attachment` with the name in ASCII and, exactly, in UTF-8 (RFC 6266 / 5987). */
export function attachmentHeader(name: string): string {
  const fallback = [...name].map((c) => (/[A-Za-z0-9._ -]/.test(c) ? c : '_')).join('') || 'document';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** A size the locale's way: "1,2 Mo", "340 ko". */
export function formatSize(bytes: number, locale: Locale): string {
  const [kb, mb] = locale === 'fr' ? ['ko', 'Mo'] : ['KB', 'MB'];
  if (bytes >= 1_000_000) return `${formatNumber(locale, Math.round(bytes / 100_000) / 10)} ${mb}`;
  return `${formatNumber(locale, Math.max(1, Math.round(bytes / 1000)))} ${kb}`;
}

/** The address an attendee downloads a material from: behind their private link. */
export const materialUrl = (publicUrl: string, token: string, id: number) => `${publicUrl}/r/${token}/materials/${id}`;

function materialsMail(event: Event, registration: Registration, materials: Material[], settings: MailSettings) {
  const locale = mailLocale(registration.locale);
  const d = describer(event, locale);
  const t = d.t;
  const content = {
    locale,
    subject: t('mail.materials.subject', { event: event.title }),
    greeting: t('mail.greeting', { name: registration.firstName }),
    paragraphs: [t('mail.materials.intro', { event: event.title, count: materials.length })],
    details: materials.map((m) => ({
      label: m.session ? `${m.name} (${m.session.title})` : m.name,
      value: formatSize(m.size, locale),
      url: materialUrl(settings.publicUrl, registration.token, m.id),
    })),
    programme: [],
    action: { label: t('mail.materials.action'), url: `${settings.publicUrl}/r/${registration.token}` },
    notes: [t('mail.materials.note')],
    footer: footer(event, settings, t),
  };
  return { content, ...renderMail(content) };
}

/**
 * Sends the event's materials, as links, to every confirmed attendee with an address: once per
 * person and set of materials (sending again after adding a file sends the new list; sending twice
 * the same list sends nothing more). Returns how many emails were queued.
 */
export async function sendMaterials(em: EntityManager, event: Event, settings: MailSettings): Promise<number> {
  const materials = await listMaterials(em, event);
  if (!materials.length) throw new ValidationError([{ field: 'materials', code: 'materials_none' }]);
  const set = createHash('sha256')
    .update(materials.map((m) => m.id).join(','))
    .digest('hex')
    .slice(0, 16);
  const people = await em.find(
    Registration,
    { event: event.id, status: 'confirmed', email: { $ne: '' }, anonymisedAt: null },
    { orderBy: { id: 'asc' } },
  );
  const mails: NewMail[] = people.map((registration) => {
    const { content, html, text } = materialsMail(event, registration, materials, settings);
    return {
      event,
      registration,
      kind: 'materials',
      dedupeKey: `registration:${registration.id}:materials:${set}`,
      recipient: registration.email,
      recipientName: `${registration.firstName} ${registration.lastName}`,
      locale: content.locale,
      subject: content.subject,
      html,
      text,
    };
  });
  const before = await em.count(OutboxMessage, { event: event.id, kind: 'materials' });
  await enqueue(em, mails, settings);
  return (await em.count(OutboxMessage, { event: event.id, kind: 'materials' })) - before;
}
