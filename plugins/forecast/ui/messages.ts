/** The forecast UI's own messages, merged into the panel's (PanelUiApi.addMessages). */
export const en = {
  forecast: {
    nav: 'Forecast',
    title: 'Demand forecast',
    intro: 'The whole fleet, hour by hour: the last two weeks as measured and the forecast with its band (90 %).',
    metric: 'Metric',
    hours: 'Hours ahead',
    metrics: { players: 'Players online', committedRamMb: 'Committed RAM (MB)', serversAwake: 'Servers awake' },
    actual: 'Actual',
    filled: 'Filled in (no data)',
    expected: 'Forecast',
    upper: 'Upper band',
    lower: 'Lower band',
    chartSummary: 'Forecast peak {value} at {at} (upper band {upper}), by {model}.',
    backtestTitle: 'Backtest on the last week',
    backtestIntro: 'Each model forecast the last {hours} hours from the weeks before; the one with the lower error is used.',
    model: 'Model',
    mape: 'Error (MAPE)',
    coverage: 'Under the upper band',
    chosen: 'used',
    models: { seasonal_naive: 'Seasonal naive (same hour last week)', mstl: 'MSTL (daily and weekly seasons)' },
  },
};

export const de: typeof en = {
  forecast: {
    nav: 'Prognose',
    title: 'Bedarfsprognose',
    intro: 'Die ganze Flotte, Stunde für Stunde: die letzten zwei Wochen wie gemessen und die Prognose mit ihrem Band (90 %).',
    metric: 'Kennzahl',
    hours: 'Stunden voraus',
    metrics: { players: 'Spieler online', committedRamMb: 'Zugesagter RAM (MB)', serversAwake: 'Wache Server' },
    actual: 'Gemessen',
    filled: 'Ergänzt (keine Daten)',
    expected: 'Prognose',
    upper: 'Oberes Band',
    lower: 'Unteres Band',
    chartSummary: 'Prognose-Spitze {value} um {at} (oberes Band {upper}), mit {model}.',
    backtestTitle: 'Rückblick auf die letzte Woche',
    backtestIntro:
      'Jedes Modell hat die letzten {hours} Stunden aus den Wochen davor vorhergesagt; das mit dem kleineren Fehler wird verwendet.',
    model: 'Modell',
    mape: 'Fehler (MAPE)',
    coverage: 'Unter dem oberen Band',
    chosen: 'verwendet',
    models: { seasonal_naive: 'Saisonal naiv (dieselbe Stunde letzte Woche)', mstl: 'MSTL (Tages- und Wochensaison)' },
  },
};
