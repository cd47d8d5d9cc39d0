package org.nbstack.smb.auth;

import java.util.Locale;

/**
 * A local account: its name, its NT hash (never the password) and whether the operator disabled or locked it.
 *
 * @param name     the user name, matched without regard to case as Windows does
 * @param ntHash   MD4(UTF-16LE(password)), 16 octets
 * @param disabled logons get STATUS_ACCOUNT_DISABLED
 * @param locked   logons get STATUS_ACCOUNT_LOCKED_OUT
 */
public record Account(String name, byte[] ntHash, boolean disabled, boolean locked) {

    public Account {
        if (ntHash.length != NtlmV2.HASH_SIZE) {
            throw new IllegalArgumentException("an NT hash has 16 octets");
        }
        ntHash = ntHash.clone();
    }

    @Override
    public byte[] ntHash() {
        return ntHash.clone();
    }

    /** The key accounts are looked up by: the name in lower case. */
    public static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "Account[" + name + (disabled ? ", disabled" : "") + (locked ? ", locked" : "") + "]"; // never the hash
    }
}
