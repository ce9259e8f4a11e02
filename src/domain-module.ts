// Transitional re-export while the domains move to the kernel's path (removed once they import it directly).
export * from './kernel/domain-module.js';
