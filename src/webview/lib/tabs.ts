// Tabs as a screen reader and a keyboard expect them (the WAI-ARIA tabs pattern): a tablist of
// tabs, each controlling its tabpanel; only the selected tab is in the Tab order, and the arrow
// keys, Home and End move between tabs and select them.

export interface Tab {
  tab: HTMLElement;
  panel: HTMLElement;
}

/** Gives `list` and `tabs` their roles and keys; `select(i)` is the page's own switch (it calls `markSelected`). */
export function tablist(list: HTMLElement, label: string, tabs: readonly Tab[], select: (i: number) => void): void {
  list.setAttribute('role', 'tablist');
  list.setAttribute('aria-label', label);
  tabs.forEach(({ tab, panel }, i) => {
    tab.setAttribute('role', 'tab');
    tab.setAttribute('aria-controls', panel.id);
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', tab.id);
    tab.addEventListener('keydown', (e) => {
      const to =
        e.key === 'ArrowRight'
          ? (i + 1) % tabs.length
          : e.key === 'ArrowLeft'
            ? (i - 1 + tabs.length) % tabs.length
            : e.key === 'Home'
              ? 0
              : e.key === 'End'
                ? tabs.length - 1
                : undefined;
      if (to === undefined) return;
      e.preventDefault();
      select(to);
      tabs[to]?.tab.focus();
    });
  });
}

/** Marks tab `selected` as the one shown: aria-selected, and the only tab Tab reaches. */
export function markSelected(tabs: readonly Tab[], selected: number): void {
  tabs.forEach(({ tab }, i) => {
    tab.setAttribute('aria-selected', String(i === selected));
    tab.tabIndex = i === selected ? 0 : -1;
  });
}
