/** The operating system's TCP as transports: {@code nio} (portable) and {@code epoll} (Linux native). */
package org.nbstack.spi.kernel;
