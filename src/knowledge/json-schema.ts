import { z } from 'zod';
import { knowledgeFileSchema } from './schema';

/**
 * JSON Schema for knowledge files, generated from the same zod definitions the loader
 * validates with, so editors' autocompletion never drifts from what the bot accepts.
 */
export function knowledgeJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(knowledgeFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'Tanya knowledge file', description: 'A YAML file under knowledge/: settings, stores, products, policies and faq entries.' };
}
