/** Named load targets: which transport the server and the load generator use, with their options. */
package org.nbstack.loadtest.targets;
