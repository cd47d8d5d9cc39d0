package org.nbstack.tcp.sim;

import java.util.Arrays;

/**
 * IPv4 address (big-endian int) to node index: open addressing with linear probing over a primitive
 * array, so routing a packet costs a multiply and a probe or two and never boxes.
 */
final class AddressTable {
    private static final int EMPTY = -1;
    private int[] keys = new int[16];
    private int[] values = filled(16);
    private int size;

    /** Node index owning {@code address}, or -1. */
    int lookup(int address) {
        int mask = keys.length - 1;
        for (int i = slot(address, mask); ; i = (i + 1) & mask) {
            int v = values[i];
            if (v == EMPTY || keys[i] == address) {
                return v;
            }
        }
    }

    /** Adds an address that is not in the table yet (the caller checks, to name the nodes in its message). */
    void put(int address, int node) {
        if (2 * (size + 1) > keys.length) {
            rehash(keys.length * 2);
        }
        insert(address, node);
        size++;
    }

    private void insert(int address, int node) {
        int mask = keys.length - 1;
        int i = slot(address, mask);
        while (values[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = address;
        values[i] = node;
    }

    private void rehash(int capacity) {
        int[] oldKeys = keys;
        int[] oldValues = values;
        keys = new int[capacity];
        values = filled(capacity);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != EMPTY) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int slot(int address, int mask) {
        return (address * 0x9E3779B9 >>> 16 ^ address * 0x9E3779B9) & mask;
    }

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, EMPTY);
        return a;
    }
}
