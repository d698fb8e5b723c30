import { createContext, useContext } from 'react';
import { themeFor } from '../term/color.js';

/**
 * Semantic colours. With colour off (NO_COLOR) every style is undefined, so
 * components never emit escape codes; markers carry the meaning instead.
 */
export interface Theme {
  enabled: boolean;
  accent: string | undefined;
  error: string | undefined;
  insight: string | undefined;
  muted: string | undefined;
  ok: string | undefined;
  warn: string | undefined;
  link: string | undefined;
  jsonKey: string | undefined;
  jsonString: string | undefined;
  jsonNumber: string | undefined;
  jsonLiteral: string | undefined;
  /** Selected row drawn inverse (only with colour on; without it the `›` marker shows the cursor). */
  inverse: boolean;
  bold: boolean;
}

export function makeTheme(enabled: boolean): Theme {
  if (!enabled) {
    return {
      enabled,
      accent: undefined,
      error: undefined,
      insight: undefined,
      muted: undefined,
      ok: undefined,
      warn: undefined,
      link: undefined,
      jsonKey: undefined,
      jsonString: undefined,
      jsonNumber: undefined,
      jsonLiteral: undefined,
      inverse: false,
      bold: false,
    };
  }
  const base = themeFor(true);
  return {
    enabled,
    accent: base.accent,
    error: base.error,
    insight: base.insight,
    muted: base.muted,
    ok: base.success,
    warn: base.warning,
    link: 'blue',
    jsonKey: 'cyan',
    jsonString: 'green',
    jsonNumber: 'yellow',
    jsonLiteral: 'magenta',
    inverse: true,
    bold: true,
  };
}

export const ThemeContext = createContext<Theme>(makeTheme(false));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
