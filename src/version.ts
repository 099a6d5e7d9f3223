/** Reported by --version and in `run_start`. Keep in step with package.json (checked by a test). */
export const PACKAGE_VERSION = '0.1.0';
