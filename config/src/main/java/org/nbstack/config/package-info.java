/**
 * Typed configuration of nbstack. {@link org.nbstack.config.ConfigLoader} merges {@code reference.conf} (every
 * default), an operator's file, {@code NBSTACK_*} environment variables and command-line overrides, in that
 * order, and validates the result into the immutable {@link org.nbstack.config.NbstackConfig}. Unknown keys and
 * bad values become one {@link org.nbstack.config.InvalidConfigException} line. Nothing here ever writes a file.
 */
package org.nbstack.config;
