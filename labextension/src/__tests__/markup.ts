/** Reading the static HTML the views render: elements by test id, their text, counts. */

/** How many times `needle` occurs in `html`. */
export function count(html: string, needle: string): number {
  return html.split(needle).length - 1;
}

/** The text of some HTML, tags dropped and the entities React writes decoded. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Text as React writes it into HTML (the inverse of `textOf` for plain text). */
export function escaped(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#x27;');
}

/**
 * Each `tag` element carrying `data-testid="<testid>"`, whole: nested tags of
 * its kind included (a row holds a list of its own).
 */
export function elements(html: string, testid: string, tag = 'li'): string[] {
  const found: string[] = [];
  const start = new RegExp(`<${tag}\\b[^>]*data-testid="${testid}"`, 'g');
  for (let match = start.exec(html); match; match = start.exec(html)) {
    const tags = new RegExp(`<${tag}\\b|</${tag}>`, 'g');
    tags.lastIndex = match.index + 1;
    let depth = 1;
    for (let t = tags.exec(html); t; t = tags.exec(html)) {
      depth += t[0].startsWith('</') ? -1 : 1;
      if (depth === 0) {
        found.push(html.slice(match.index, tags.lastIndex));
        break;
      }
    }
  }
  return found;
}
