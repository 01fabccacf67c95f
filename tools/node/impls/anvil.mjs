// anvil's wallet JSON-RPC (Foundry's local node; Rust, alloy's EIP-712): the path every dApp takes to a
// wallet.  https://getfoundry.sh/anvil
//
//   eth_signTypedData_v4 [address, document]    personal_sign [0xBYTES, address]
//
// A wallet returns a signature and nothing else, so the cases are attested by it (RFC 6979,
// deterministic: equal signatures mean equal digests). The key of a request is matched to one of
// anvil's development accounts (the PUBLIC Hardhat/Anvil keys the vectors use); the document is sent
// exactly as the vector writes it, and anvil parses it. One anvil is started (lib/anvil.mjs) on a free
// port on first use and stopped with the process (close()).

import { ANVIL, RpcError, sharedAnvil, stopSharedAnvil } from '../lib/anvil.mjs';
import { Refusal, carriableText, personalBytes } from '../lib/common.mjs';
import { ALLOY_DECLARATIONS } from '../lib/foundry.mjs';

async function call(method, params) {
  const anvil = await sharedAnvil();
  try {
    return await anvil.rpc(method, params);
  } catch (e) {
    if (e instanceof RpcError) throw new Refusal(`${method}: ${e.message}`);
    throw e;
  }
}

/** The development account of a request's key; a negative case carries no key: account #0 probes it. */
async function account(input) {
  const anvil = await sharedAnvil();
  if (input?.private_key == null) return anvil.accounts[0].address;
  const found = anvil.account(input.private_key);
  if (!found) throw new Refusal("the key is not one of anvil's development accounts", 'UNSUPPORTED');
  return found.address;
}

export default {
  id: 'anvil',
  package: 'anvil',
  version: ANVIL.version,
  language: 'Rust',
  api: `JSON-RPC eth_signTypedData_v4 and personal_sign with its development accounts (the binary of npm ${ANVIL.package})`,
  errorCodes: 'generic',
  unsupported: {
    ...ALLOY_DECLARATIONS,
    'hash-only': 'a wallet only signs: a case without a key shows nothing',
  },
  ops: {
    async typed_data(input) {
      if (input?.typed_data === undefined) throw new Refusal('input.typed_data is missing');
      const signature = await call('eth_signTypedData_v4', [await account(input), input.typed_data]);
      return input.private_key == null ? {} : { signature };
    },
    async personal_sign(input) {
      carriableText(input);
      const from = await account(input);
      const signature = await call('personal_sign', [`0x${Buffer.from(personalBytes(input)).toString('hex')}`, from]);
      return input.private_key == null ? {} : { signature };
    },
  },
  close: stopSharedAnvil,
};
