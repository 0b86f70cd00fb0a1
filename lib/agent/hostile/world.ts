import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { customers, kbArticles, orders } from "@/db/schema";
import type { World } from "./behaviours";

/** What the scripted model is told about the seeded shop. */
export async function worldOf(db: Db): Promise<World> {
  const rows = await db
    .select({ number: orders.number, ownerEmail: customers.email })
    .from(orders)
    .innerJoin(customers, eq(customers.id, orders.customerId))
    .limit(50);
  const slugs = await db.select({ slug: kbArticles.slug }).from(kbArticles).limit(20);
  return { orders: rows, articleSlugs: slugs.map((s) => s.slug) };
}
