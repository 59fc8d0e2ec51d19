import type MarkdownIt from 'markdown-it';
import { lazyRequire } from '../shared/lazy-require.js';

const markdownIt = lazyRequire<typeof MarkdownIt>('markdown-it');
type Markdown = InstanceType<typeof MarkdownIt>;

/**
 * Simple formatting for the syntheses: paragraphs, headings, lists, emphasis, quotes, links.
 * Raw HTML is off (`<script>` or `<img onerror>` come out as text), images are off (nothing is
 * loaded from elsewhere when the document is opened), and links pass markdown-it's own check
 * (no javascript:, vbscript:, file: or data:) and then ours: http, https and mailto only.
 */
function syntheses(): Markdown {
  const md = new (markdownIt())('default', { html: false, linkify: false, typographer: false, breaks: true });
  md.disable(['image', 'html_block', 'html_inline']);

  const SAFE_LINK = /^(?:https?:|mailto:)/i;
  const defaultValidate = md.validateLink.bind(md);
  md.validateLink = (url: string) => defaultValidate(url) && SAFE_LINK.test(url.trim());

  const defaultLinkOpen =
    md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    // A link in a synthesis leads away from Atelier: it learns nothing of the page and gets no handle on it.
    tokens[idx].attrSet('rel', 'nofollow noopener noreferrer');
    return defaultLinkOpen(tokens, idx, options, env, self);
  };

  // A synthesis sits under its group's heading (h2): its own headings start at h3.
  for (const rule of ['heading_open', 'heading_close'] as const)
    md.renderer.rules[rule] = (tokens, idx, options, _env, self) => {
      const level = Math.min(6, Number(tokens[idx].tag.slice(1)) + 2);
      tokens[idx].tag = `h${level}`;
      return self.renderToken(tokens, idx, options);
    };
  return md;
}

let md: Markdown | undefined;

/** The longest synthesis kept (characters): some eight pages, well within the form body limit. */
export const SYNTHESIS_MAX_LENGTH = 20_000;

/** The synthesis's Markdown as HTML safe to put in a page as it is. */
export function renderMarkdown(text: string): string {
  md ??= syntheses();
  return md.render(text.slice(0, SYNTHESIS_MAX_LENGTH));
}
