package org.nbstack.smb.auth;

import java.util.Optional;

/** Where logons look accounts up: the operator's account file, or none. */
@FunctionalInterface
public interface Accounts {

    /** No accounts: every named logon is an unknown user. */
    Accounts NONE = name -> Optional.empty();

    /** The account called {@code name} (case ignored), as the store holds it now. */
    Optional<Account> find(String name);
}
