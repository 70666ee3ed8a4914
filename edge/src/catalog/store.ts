import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { categories, patterns, tools } from '../platform/db/schema.ts';

const searchVector = sql`to_tsvector('simple', ${tools.name} || ' ' || ${tools.summary} || ' ' || (${tools.tags})::text)`;

/** Tools, best match first when searching (ts_rank), else best score first. */
export async function listTools(db: Db, opts: { query: string | null; limit: number; offset: number }) {
  if (!opts.query) {
    return db.select().from(tools).orderBy(desc(tools.score), tools.id).limit(opts.limit).offset(opts.offset);
  }
  const q = sql`to_tsquery('simple', ${opts.query})`;
  return db
    .select()
    .from(tools)
    .where(sql`${searchVector} @@ ${q}`)
    .orderBy(desc(sql`ts_rank(${searchVector}, ${q})`), desc(tools.score), tools.id)
    .limit(opts.limit)
    .offset(opts.offset);
}

export async function getTool(db: Db, id: string) {
  const rows = await db.select().from(tools).where(eq(tools.id, id)).limit(1);
  return rows[0] ?? null;
}

export async function insertTool(db: Db, tool: typeof tools.$inferInsert): Promise<boolean> {
  return (await db.insert(tools).values(tool).onConflictDoNothing().returning({ id: tools.id })).length === 1;
}

export async function updateTool(db: Db, id: string, set: Partial<typeof tools.$inferInsert>) {
  const rows = await db
    .update(tools)
    .set({ ...set, updatedAt: sql`now()` })
    .where(eq(tools.id, id))
    .returning();
  return rows[0] ?? null;
}

export async function deleteTool(db: Db, id: string) {
  const rows = await db.delete(tools).where(eq(tools.id, id)).returning();
  return rows[0] ?? null;
}

export async function listCategories(db: Db) {
  return db.select().from(categories).orderBy(categories.name);
}

export async function insertCategory(db: Db, c: typeof categories.$inferInsert): Promise<boolean> {
  return (
    (await db.insert(categories).values(c).onConflictDoNothing().returning({ id: categories.id })).length ===
    1
  );
}

export async function deleteCategory(db: Db, id: string) {
  const rows = await db.delete(categories).where(eq(categories.id, id)).returning();
  return rows[0] ?? null;
}

export async function listPatterns(db: Db) {
  return db.select().from(patterns).orderBy(patterns.name);
}

export async function insertPattern(db: Db, p: typeof patterns.$inferInsert): Promise<boolean> {
  return (
    (await db.insert(patterns).values(p).onConflictDoNothing().returning({ id: patterns.id })).length === 1
  );
}

export async function deletePattern(db: Db, id: string) {
  const rows = await db.delete(patterns).where(eq(patterns.id, id)).returning();
  return rows[0] ?? null;
}
