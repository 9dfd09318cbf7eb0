/**
 * Values another tool fills into its answers when it sends them, which Tanya cannot: Dialogflow
 * parameters and Rasa slots. Readers note them; the writer keeps answers that use them behind TODO.
 */

/** `$param`, `$param.original` and `#context.param` references in a Dialogflow response text. */
export function parameterReferences(text: string): string[] {
  // A "#name.param" inside a link ("…/wiki/Licence#What_is_the_license.2C_how") is a page
  // anchor, not a context; a "$param" is one wherever it stands ("…/track?id=$order_id").
  const refs = [...text.matchAll(/\$[A-Za-z_][\w-]*(?:\.[\w-]+)?|(?<![\w/.#?=&%-])#[A-Za-z_][\w-]*\.[\w-]+/g)].map((m) => m[0]);
  return [...new Set(refs)];
}

/** `{name}` slot references in a Rasa response text (Rasa fills them from slots when it answers). */
export function slotReferences(text: string): string[] {
  return [...new Set([...text.matchAll(/\{([A-Za-z_][\w-]*)\}/g)].map((m) => m[1]))];
}

/**
 * Every such reference as written ("$order_id", "{name}"); Tanya's own `{bot}` and `{shop}` are
 * not among them. A Rasa text has no `$param` (a "#anchor.2C" in its links is none either).
 */
export function unfilledReferences(text: string, tool?: string): string[] {
  const slots = slotReferences(text)
    .filter((s) => s !== 'bot' && s !== 'shop')
    .map((s) => `{${s}}`);
  return [...(tool === 'rasa' ? [] : parameterReferences(text)), ...slots];
}
