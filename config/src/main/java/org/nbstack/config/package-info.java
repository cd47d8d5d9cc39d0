/** Typed configuration of nbstack: HOCON defaults, overrides, validation (work starts with its issue). */
package org.nbstack.config;
