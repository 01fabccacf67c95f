// The implementations tools/node attests and serves as --exec adapters, by id.
import anvil from './anvil.mjs';
import cast from './cast.mjs';
import ethSigUtil from './eth-sig-util.mjs';
import ethers5 from './ethers5.mjs';
import ethers6 from './ethers6.mjs';
import micro from './micro-eth-signer.mjs';
import ox from './ox.mjs';
import viem from './viem.mjs';
import web3 from './web3.mjs';

export const IMPLEMENTATIONS = Object.fromEntries([ethers6, ethers5, viem, ox, micro, web3, ethSigUtil, cast, anvil].map((i) => [i.id, i]));
