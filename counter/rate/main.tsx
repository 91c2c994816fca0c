import '../../server/ui/base.css';
import '../rating.css';
import { translate } from '../../server/i18n';
import { lockDownTouchScreen, mountApp } from '../../server/ui/mount';
import { pairingSecret } from '../../server/ui/pairing';
import { RateApp } from './rate-app';

/**
 * The rating tablet beside a counter: `/counter/rate/?counter=<id>`, paired with that counter by
 * the supervisor (opened once with `&pair=<secret>`). Anonymous, no login: it only watches that
 * counter's satisfaction question, and only a paired screen may.
 */
lockDownTouchScreen();
document.title = translate('vi', 'rate.pageTitle');
mountApp({ app: 'counter', pairing: pairingSecret('luot.rate.pairing') }, RateApp);
