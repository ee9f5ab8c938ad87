import { computed, ref, type Ref } from 'vue';

export interface CursorPage<T> {
  items: T[];
  /** The whole list's size, when the list counts it. */
  total?: number;
  nextCursor: string | null;
}

/**
 * Previous/next over a keyset-paged list: the cursor each page began at is kept, so going back
 * asks for the same page again rather than counting offsets. Only one page is ever in memory,
 * which keeps a list of ten thousand as light as a list of fifty.
 */
export function useCursorPages<T>(fetchPage: (cursor: string | null) => Promise<CursorPage<T>>) {
  const items = ref<T[]>([]) as Ref<T[]>;
  const total = ref(0);
  const starts = ref<Array<string | null>>([null]);
  const next = ref<string | null>(null);

  async function show(at: Array<string | null>): Promise<void> {
    const page = await fetchPage(at.at(-1) ?? null);
    items.value = page.items;
    total.value = page.total ?? 0;
    next.value = page.nextCursor;
    starts.value = at;
  }

  return {
    items,
    total,
    pageNumber: computed(() => starts.value.length),
    hasNext: computed(() => next.value !== null),
    hasPrevious: computed(() => starts.value.length > 1),
    /** The first page again (a filter or the sort changed). */
    first: () => show([null]),
    /** The page on screen again (after a change to its rows). */
    reload: () => show(starts.value),
    forward: () => (next.value ? show([...starts.value, next.value]) : Promise.resolve()),
    back: () => (starts.value.length > 1 ? show(starts.value.slice(0, -1)) : Promise.resolve()),
  };
}
