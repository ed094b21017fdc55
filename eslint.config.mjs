// ESLint for the learner runtime that ships in every package, and for its unit tests (`npm run lint`).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", "dist/", ".venv/", "tests/fixtures/", "**/dist/"] },
  {
    files: ["builder/templates/static/*.js"],
    ...js.configs.recommended,
    languageOptions: { sourceType: "script", globals: { ...globals.browser } },
    // `catch (e) {}` is the ES5 way to ignore an error (no optional catch binding in older browsers)
    rules: { "no-unused-vars": ["error", { caughtErrors: "none" }] },
  },
  {
    files: ["tests/js/**/*.mjs", "eslint.config.mjs"],
    ...js.configs.recommended,
    languageOptions: { sourceType: "module", globals: { ...globals.node } },
  },
];
